"""What Folio knows without Sphinx or docutils: records, wording and rules.

The extension and the commands both use these modules; none of them imports
Sphinx or docutils (``tests/test_architecture.py`` proves it).
"""
