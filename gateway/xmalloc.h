/* Allocators that cannot fail: they exit. Gateway code only. */
#ifndef BX_XMALLOC_H
#define BX_XMALLOC_H

#include <stddef.h>

void *xcalloc(size_t n, size_t size);
/* Not zeroed: for buffers written before they are read. */
void *xmalloc(size_t size);
char *xstrdup(const char *);

#endif
