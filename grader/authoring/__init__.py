"""For course authors: scaffolding a new exercise (`new`) and proving exercises sound (`validate`).

Sits on top: may import the engine and every other front end, since `validate` grades along
each path a learner or instructor uses; nothing imports it but cli.py.
"""
