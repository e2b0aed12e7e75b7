import sys

from ksm_shard.cli import main

sys.exit(main())
