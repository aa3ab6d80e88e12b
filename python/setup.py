"""The package's version is einc's: EINC_VERSION_STRING in
../include/einc.h, the one place it is written (CHANGELOG.md)."""
import os
import re

from setuptools import setup


def einc_version():
    """EINC_VERSION_STRING from include/einc.h beside this directory."""
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "include", "einc.h")
    with open(header, encoding="utf-8") as f:
        return re.search(r'^#define EINC_VERSION_STRING "([^"]+)"', f.read(), re.M).group(1)


setup(version=einc_version())
