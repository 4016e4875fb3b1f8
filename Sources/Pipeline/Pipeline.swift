// Pipeline: placeholder until its issue lands.
