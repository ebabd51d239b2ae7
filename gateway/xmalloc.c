#include "gateway/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#include "gateway/log.h"

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL && n && size)
		fatal("calloc %zu x %zu", n, size);
	return p;
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size);

	if (p == NULL && size)
		fatal("malloc %zu", size);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal("strdup");
	return p;
}
