"""The ``tokenize`` stage: a corpus turned into token shards that pretraining streams."""
