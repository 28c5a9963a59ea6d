"""Tokenization: SentencePiece BPE training, token shards (writer, reader, manifest), the mixture plan and the
deterministic mixture sampler. Plain Python and numpy; imports only `pipeline` of ours."""
