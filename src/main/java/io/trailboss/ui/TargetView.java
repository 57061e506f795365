package io.trailboss.ui;

import java.util.List;

/**
 * A target's page: identity, labels, effective params with their sources (secrets masked), its stage and
 * lifecycle, the operations offered on its kind (runnable unless a run is open or the lifecycle forbids it),
 * its runs and its job history.
 */
public record TargetView(String name, String kind, String parent, List<String> path, List<String> labels, List<String> profiles,
                         List<Param> params, String stage, String lifecycle, String lifecycleInfo, Boolean runnable,
                         List<Op> operations, String busy, Table runs, Table jobs, Pager jobPager) {

    public record Param(String name, String value, String source, boolean secret) {}

    public record Op(String name, String workflow, String description, boolean enabled, String why) {}
}
