/*
 * fdatasync(2) as the store's sync thread calls it, for programs linked
 * with -Wl,--wrap=fdatasync (references in bx_store only: SQLite is a
 * shared library and keeps its own calls). A test can hold the calls, to
 * see what waits for the disk, or fail them, as a dying disk would.
 */
#ifndef BX_SYNCSPY_H
#define BX_SYNCSPY_H

/* While on, calls wait (in whichever thread) until it is off again. */
void syncspy_hold(int on);
/* Calls fail with this errno (0: they go through). */
void syncspy_fail(int err);
/* Calls returned since the program started. */
int syncspy_calls(void);
/* Waits up to 30 s for a call to be waiting; 0 when one is, else -1. */
int syncspy_await_held(void);

#endif
