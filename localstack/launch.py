"""Starts moto's server after applying the compatibility patches infractl's stacks need.

Each patch is a small, named fix for a gap measured in moto (see ../shared/EMULATOR.md); none
is needed yet for the networking and S3 resources, so this only starts the server. Patches for
later services (OpenSearch Serverless, API Gateway import) go here.
"""
import sys

from moto.server import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
