"""Quality management and audits at program level (PS VII, issue 18): the pages of review
requests, experience surveys and grievances, and the member record packet, which reads every
floor below (members, care plans, letters, deadlines) through the selectors the pages use.
The records themselves live in ``members.quality``."""
