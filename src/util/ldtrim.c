/*
 * ldtrim: drop the loader's tables from the resident set (see ldtrim.h).
 * Only a segment that is certainly never written is dropped: the first
 * PT_LOAD of an object, read-only (not executable, not writable), outside its
 * RELRO range, in an object without text relocations. MADV_DONTNEED on such
 * pages of a private file mapping loses nothing: they are read again from
 * the file if anything touches them.
 */
#include "util/ldtrim.h"

#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* True if the object's dynamic section asks for text relocations. */
static int has_textrel(const struct dl_phdr_info *info)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_DYNAMIC)
			continue;
		for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr);
		     d->d_tag != DT_NULL; d++)
			if (d->d_tag == DT_TEXTREL ||
			    (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)))
				return 1;
	}
	return 0;
}

/* True if [lo, hi) (object addresses) meets the object's RELRO range. */
static int meets_relro(const struct dl_phdr_info *info, uintptr_t lo, uintptr_t hi)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_GNU_RELRO && lo < ph->p_vaddr + ph->p_memsz && ph->p_vaddr < hi)
			return 1;
	}
	return 0;
}

/* dl_iterate_phdr callback: drop one object's first segment if it qualifies. */
static int trim_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	size_t *dropped = arg;
	const ElfW(Phdr) *first = NULL;
	for (int i = 0; i < info->dlpi_phnum && !first; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD)
			first = &info->dlpi_phdr[i];
	if (!first || first->p_flags != PF_R || first->p_filesz != first->p_memsz ||
	    meets_relro(info, first->p_vaddr, first->p_vaddr + first->p_memsz) || has_textrel(info))
		return 0;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = info->dlpi_addr + first->p_vaddr, hi = lo + first->p_memsz;
	lo = (lo + page - 1) & ~(page - 1);     /* whole pages of the segment only */
	hi &= ~(page - 1);
	if (hi > lo && madvise((void *)lo, hi - lo, MADV_DONTNEED) == 0)
		*dropped += hi - lo;
	return 0;
}

/* See ldtrim.h. */
size_t ldtrim_linker_tables(void)
{
	size_t dropped = 0;
	dl_iterate_phdr(trim_object, &dropped);
	return dropped;
}
