"""Exercise stubs. Edit the files in this folder, then run `pytorch-tutor check NN`."""
