"""Read a form of an admin page the way a browser would submit it (for the test client)."""

from bs4 import BeautifulSoup


def form_fields(html, form_id):
    """The (name, value) pairs the form ``form_id`` sends when submitted without a button:
    inputs (checked boxes and radios only), selected options and text areas."""
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id=form_id)
    assert form is not None, f"no form #{form_id}"
    pairs = []
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "input":
            kind = field.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                continue
            if kind in ("checkbox", "radio") and not field.has_attr("checked"):
                continue
            default = "on" if kind in ("checkbox", "radio") else ""
            pairs.append((name, field.get("value", default)))
        elif field.name == "textarea":
            pairs.append((name, field.get_text()))
        else:
            selected = field.find_all("option", selected=True)
            if not selected and not field.has_attr("multiple"):
                selected = field.find_all("option")[:1]
            pairs.extend((name, option.get("value", option.get_text())) for option in selected)
    return pairs


def as_post_data(pairs, **extra):
    """A dict for the test client: repeated names become lists."""
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    data = {name: values[0] if len(values) == 1 else values for name, values in data.items()}
    data.update(extra)
    return data
