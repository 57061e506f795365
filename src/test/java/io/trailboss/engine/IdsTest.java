package io.trailboss.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void ids_made_one_after_another_sort_in_the_order_they_were_made() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) made.add(Ids.next());
        assertThat(made).isSorted().doesNotHaveDuplicates();
        // still version 7 UUIDs whose timestamp is the time they were made
        UUID last = UUID.fromString(made.get(made.size() - 1));
        assertThat(last.version()).isEqualTo(7);
        assertThat(Math.abs((last.getMostSignificantBits() >>> 16) - System.currentTimeMillis())).isLessThan(5_000);
    }
}
