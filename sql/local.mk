# Forward-only migrations, numbered. They are compiled into the programs
# (src/store/migrations_data.c) so that `docxp migrate` needs no data
# directory at run time.
MIGRATIONS = sql/001_initial.sql sql/002_search.sql sql/003_index_throughput.sql sql/004_search_tuning.sql sql/005_gin_pending_lists.sql sql/006_search_indexes.sql sql/007_file_stats.sql sql/008_progress_cost.sql sql/009_cascade_triggers.sql sql/010_metadata_lz4.sql sql/011_search_notify.sql sql/012_keys_notify.sql sql/013_container_search_chars.sql sql/014_entity_hash_dropped.sql sql/015_link_target_indexes.sql

EXTRA_DIST += $(MIGRATIONS) sql/embed-migrations.sh
BUILT_SOURCES = src/store/migrations_data.c
CLEANFILES += src/store/migrations_data.c
nodist_libdocxp_a_SOURCES = src/store/migrations_data.c

src/store/migrations_data.c: $(MIGRATIONS) $(srcdir)/sql/embed-migrations.sh
	$(AM_V_GEN)$(MKDIR_P) src/store && files= && \
	for f in $(MIGRATIONS); do files="$$files $(srcdir)/$$f"; done && \
	$(SHELL) $(srcdir)/sql/embed-migrations.sh $@ $$files
