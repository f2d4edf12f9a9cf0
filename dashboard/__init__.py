"""The dashboard's building blocks: panels (what each chart shows), the live chart widget and
the Solara components; ``app.py`` composes them into the page."""
