"""FHIR R4 export of a member's record (issue 21; PS VI.A.1.c.4-5: the ICP shared with the PCP
and in transition-of-care communication).

Built on ``fhir.resources`` (its R4B models, the R4-compatible release it ships beside R5):
every resource is validated by its model before it leaves. Program level (floor 2): it reads
members, care plans and referrals through their models and never writes them.

- ``codes``: the code systems and the mappings of our statuses to FHIR's, as data.
- ``record``: everything one export reads, in a fixed number of queries.
- ``people``, ``plans``, ``referrals``, ``encounters``: one builder per resource kind, plain
  functions from rows to resource dicts.
- ``bundle``: the ``collection`` Bundle, minimum necessary per reader, validation.
- ``services``: the audited export (views and the ``export_fhir`` command call it).
"""
