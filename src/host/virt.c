/*
 * virt: CPUID and DMI hypervisor detection and the kernel clock source.
 */
#include "host/virt.h"
#include "host/procfs.h"

#include <stdio.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* Friendly names of the hypervisor signatures of CPUID leaf 0x40000000. */
const char *virt_vendor_name(const char *sig)
{
	static const struct { const char *sig, *name; } known[] = {
		{ "KVMKVMKVM", "KVM" }, { "Microsoft Hv", "Hyper-V" },
		{ "VMwareVMware", "VMware" }, { "XenVMMXenVMM", "Xen" },
		{ "TCGTCGTCGTCG", "QEMU (TCG)" }, { "VBoxVBoxVBox", "VirtualBox" },
		{ "ACRNACRNACRN", "ACRN" }, { " lrpepyh  vr", "Parallels" },
		{ "bhyve bhyve ", "bhyve" }, { "QNXQVMBSQG", "QNX" },
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(sig, known[i].sig) == 0)
			return known[i].name;
	return "";
}

/* Read CPUID's hypervisor bit and signature into *out. */
static void read_cpuid(struct host_virt *out)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return;
	out->cpuid_hypervisor = (c >> 31) & 1;
	if (!out->cpuid_hypervisor)
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(out->cpuid_vendor, &b, 4);
	memcpy(out->cpuid_vendor + 4, &c, 4);
	memcpy(out->cpuid_vendor + 8, &d, 4);
	out->cpuid_vendor[12] = '\0';
	for (int i = 0; i < 12; i++)
		if ((unsigned char)out->cpuid_vendor[i] < 0x20 ||
		    (unsigned char)out->cpuid_vendor[i] > 0x7e)
			out->cpuid_vendor[i] = out->cpuid_vendor[i] ? '?' : '\0';
	snprintf(out->hypervisor, sizeof out->hypervisor, "%s",
		 virt_vendor_name(out->cpuid_vendor));
#else
	out->cpuid_hypervisor = -1;
#endif
}

/* DMI strings that name a virtual platform. */
static int dmi_is_virtual(const char *vendor, const char *product)
{
	static const char *words[] = { "QEMU", "KVM", "VMware", "Xen", "innotek",
		"VirtualBox", "Microsoft Corporation", "Amazon EC2", "Google",
		"DigitalOcean", "Hetzner", "OpenStack", "Bochs", "Parallels" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(vendor, words[i]) || strstr(product, words[i]))
			return 1;
	return 0;
}

/* Grade a clock source name (see virt.h). */
int virt_clocksource_grade(const char *name)
{
	if (strcmp(name, "jiffies") == 0 || name[0] == '\0')
		return 2;
	if (strcmp(name, "hpet") == 0 || strcmp(name, "acpi_pm") == 0 ||
	    strcmp(name, "xen") == 0)
		return 1;
	return 0;
}

/* Detect virtualisation and the clock source. */
int host_virt(struct host_virt *out)
{
	memset(out, 0, sizeof *out);
	read_cpuid(out);
	procfs_read("/sys/class/dmi/id/sys_vendor", out->dmi_vendor, sizeof out->dmi_vendor);
	procfs_read("/sys/class/dmi/id/product_name", out->dmi_product,
		    sizeof out->dmi_product);
	procfs_read("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		    out->clocksource, sizeof out->clocksource);
	procfs_read("/sys/devices/system/clocksource/clocksource0/available_clocksource",
		    out->clocksources, sizeof out->clocksources);
	size_t n = strlen(out->clocksources);
	while (n > 0 && out->clocksources[n - 1] == ' ')
		out->clocksources[--n] = '\0';
	return out->cpuid_hypervisor == 1 ||
	       dmi_is_virtual(out->dmi_vendor, out->dmi_product);
}
