-- H2 only (PostgreSQL has no V16). H2 hands out identity values from memory but writes the next
-- free one to its catalogue, in a commit of its own, every CACHE values (32 by default): at a few
-- thousand results a second that was one extra commit per 32 results, ~15% of the result writer's
-- CPU. With 1,024 the catalogue is written once per 1,024 results. A crash skips the unused rest of
-- the range (ids stay unique and increasing; ARA clients never assume consecutive ids). Not done on
-- PostgreSQL: it caches per session, so ids from different connections would interleave out of
-- order, and results are listed by id.
alter table rec_result alter column id set cache 1024;
