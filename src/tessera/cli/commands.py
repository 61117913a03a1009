"""The list of command modules that register themselves on `tessera.cli.app`.

Why a module of its own: each product adds one import line here instead of growing the
package's `__init__`, so a new command never touches the commands already there.
"""

import tessera.cli.identity
import tessera.cli.performance
import tessera.cli.profile
import tessera.cli.publishing
import tessera.cli.reviews
import tessera.cli.tracker  # noqa: F401
