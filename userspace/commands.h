/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mssclampctl: the subcommands, one *_main() each, dispatched by
 * mssclampctl.c; argv[0] is the subcommand's name. Each returns 0, or
 * -errno once its error is printed (errors.h), which main() turns into
 * the exit status; doctor returns its findings' status.
 */
#ifndef MSSCLAMPCTL_COMMANDS_H
#define MSSCLAMPCTL_COMMANDS_H

int show_main(int argc, char *argv[]);		/* show.c */
int set_main(int argc, char *argv[]);		/* set.c */
int stats_main(int argc, char *argv[]);		/* stats.c */
int histogram_main(int argc, char *argv[]);	/* histogram.c */
int monitor_main(int argc, char *argv[]);	/* monitor.c */
int save_main(int argc, char *argv[]);		/* conffile.c */
int apply_main(int argc, char *argv[]);		/* conffile.c */
int version_main(int argc, char *argv[]);	/* version.c */
int doctor_main(int argc, char *argv[]);	/* doctor/doctor.c */
int trace_main(int argc, char *argv[]);		/* trace.c */

#endif /* MSSCLAMPCTL_COMMANDS_H */
