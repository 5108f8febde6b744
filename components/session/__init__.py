"""What a session keeps: scenario, ranges, page settings, presenting, problems, the address bar."""
