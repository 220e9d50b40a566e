"""The member record packet (PS VII.C, VII.D): one sealed PDF of a member's record for a date
range, made by a worker."""
