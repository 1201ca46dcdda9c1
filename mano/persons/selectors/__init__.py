"""Every read on the person file. One module per feature."""
