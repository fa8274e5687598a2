"""Read an HTML form's fields the way a browser would submit them (no JavaScript needed).

Used to post admin forms exactly as rendered, both through the test client and
against real server processes.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = form_id is None
        self.fields = []
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self._select = {"name": name, "chosen": [], "first": None, "multiple": "multiple" in attrs}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option = {"value": value, "text": ""}
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form_id is not None and self.inside:
            self.inside = False
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            if not self._select["chosen"] and not self._select["multiple"] and self._select["first"] is not None:
                self.fields.append((self._select["name"], self._select["first"]))
            for option in self._select["chosen"]:
                value = option["value"] if option["value"] is not None else option["text"]
                self.fields.append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            # Browsers drop the one newline that follows <textarea>.
            self.fields.append((self._textarea["name"], text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html, form_id=None):
    """Return the (name, value) pairs the form would submit, in document order."""
    parser = _FormParser(form_id)
    parser.feed(html if isinstance(html, str) else html.decode())
    return parser.fields


def form_data(html, form_id=None, **overrides):
    """Return the form's data as a dict of lists (for multi-value fields), with overrides applied."""
    data = {}
    for name, value in form_fields(html, form_id):
        data.setdefault(name, []).append(value)
    for name, value in overrides.items():
        data[name] = value if isinstance(value, list) else [value]
    return data
