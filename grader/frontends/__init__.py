"""What people see and drive: rendering results, `watch`, `check --all`, and the learner's
workspace (init, reset, list rows).

A front end: may import the engine and everything below it; grader.frontends.render (text),
render_html (HTML, for notebooks) and tables are the modules other front ends may import.
"""
