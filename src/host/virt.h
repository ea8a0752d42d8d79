/*
 * virt: does this host run under a hypervisor, which one, and which clock
 * source does the kernel read time from. The hypervisor is read from CPUID
 * (leaf 1 ECX bit 31 and the vendor signature of leaf 0x40000000) on x86,
 * and from the firmware's DMI strings in /sys/class/dmi/id where present.
 */
#ifndef VANTAGE_HOST_VIRT_H
#define VANTAGE_HOST_VIRT_H

struct host_virt {
	int cpuid_hypervisor;     /* 1: CPUID says a hypervisor runs us; -1: not x86 */
	char cpuid_vendor[16];    /* raw 12-byte signature, e.g. "KVMKVMKVM"    */
	char hypervisor[32];      /* friendly name: "KVM", "VMware", ... or ""  */
	char dmi_vendor[64];      /* /sys/class/dmi/id/sys_vendor, "" if absent */
	char dmi_product[64];     /* /sys/class/dmi/id/product_name             */
	char clocksource[32];     /* current clocksource, "" if unreadable      */
	char clocksources[128];   /* available_clocksource                      */
};

/* Fill *out. Returns 1 when the host is virtualised by either sign, else 0. */
int host_virt(struct host_virt *out);

/* Friendly name of a CPUID hypervisor signature ("" if unknown). */
const char *virt_vendor_name(const char *signature);

/*
 * Judge a clock source name: 0 good (tsc, kvm-clock, arch_sys_counter...),
 * 1 slow to read (hpet, acpi_pm, xen), 2 unusable for timing (jiffies).
 */
int virt_clocksource_grade(const char *name);

#endif
