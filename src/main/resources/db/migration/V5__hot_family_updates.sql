-- Every refresh moves its family's idle_expires_at, and with it the generated ended_at. While
-- ended_at was indexed, none of those updates could be HOT (heap-only: no new index entries), so
-- each refresh added an entry to every index of the table and left a dead row version behind
-- for VACUUM. Without the index, the update stays on its page when there is room, which the
-- fillfactor keeps; the hourly purge scans the table instead (a few MB per 100,000 sessions).
DROP INDEX refresh_families_ended_at_idx;
ALTER TABLE refresh_families SET (fillfactor = 70);
