"""Autograder images for Gradescope and PrairieLearn: the zip an instructor uploads (build, wheel,
scripts) and what runs inside the container for each submission (collect, runner, report).

`config` is the contract between the two: the zip carries `pytorch-tutor.json`, which the
in-container runner reads. The runner grades with the same engine, OS boundary and gradebook
entries as `pytorch-tutor grade`.
"""
