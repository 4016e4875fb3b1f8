// Embeddings: placeholder until its issue lands.
