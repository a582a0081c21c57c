/* cgwctl: the control client of cgwd (SPEC section 3). */
#include "daemon/cgwctl.h"

int
main(int argc, char *argv[])
{
	return cgwctl_run(argc, argv);
}
