"""Quality management records (PS VII): review requests and record packets, experience
surveys, grievances. Rules and reads per topic: ``requests``, ``surveys``, ``grievances``."""
