// TransformerLM: placeholder until its issue lands.
