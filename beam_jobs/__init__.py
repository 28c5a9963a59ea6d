"""Apache Beam pipelines, one per stage: thin compositions of the plain functions in pipeline/, filters/ and
tokenization/. This is the only package that imports apache_beam."""
