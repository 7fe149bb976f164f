"""Showing things in a notebook: HTML where the front end renders it (Jupyter, Colab, VS Code),
its plain-text twin elsewhere (a terminal IPython, a log), in one display so each front end
picks the form it can show. Outside IPython the text is printed. Nothing here imports torch.
"""

from __future__ import annotations

import io
from typing import Callable

WIDTH = 100


def show(html: str, plain: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(plain)
        return
    display({"text/html": html, "text/plain": plain}, raw=True)


def plain_text(draw: Callable) -> str:
    """What `draw(console)` prints on a plain, colourless rich console, as a string."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=WIDTH, no_color=True, highlight=False, emoji=False, soft_wrap=False,
                      force_terminal=False, force_jupyter=False)
    draw(console)
    return console.file.getvalue().rstrip("\n")


def show_error(message: str, hint: str = "") -> None:
    from grader.frontends.render import show_error as draw_error
    from grader.frontends.render_html import RED, message_html

    show(message_html(f"error: {message}", hint, colour=RED), plain_text(lambda c: draw_error(c, message, hint)))
