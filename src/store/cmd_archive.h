/*
 * cmd_archive: `vantage archive`, the daily export of a PostgreSQL store's
 * old results: each day before a cutoff goes to one compressed file and is
 * then dropped from the store (store_archive.h).
 */
#ifndef VANTAGE_STORE_CMD_ARCHIVE_H
#define VANTAGE_STORE_CMD_ARCHIVE_H

int cmd_archive(int argc, char **argv);

#endif
