"""Jobs declared in code, in THX_CRON_JOBS or in a jobs file, synced into Job rows."""
