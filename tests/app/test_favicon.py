"""The app's icon: every page links the SVG, and the conventional /favicon.ico leads to it."""

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
LINK = '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">'


def test_pages_link_the_svg_icon_which_is_served(client, auth, network):
    assert LINK in client.get("/login").get_data(as_text=True)
    auth.login("finance")
    assert LINK in client.get("/").get_data(as_text=True)
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    root = ET.fromstring(icon.data)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 32 32"
    assert [child.tag for child in root] == [f"{SVG}title", f"{SVG}rect", f"{SVG}path"]


def test_favicon_ico_redirects_to_the_svg_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"] == "/static/favicon.svg"
    followed = client.get("/favicon.ico", follow_redirects=True)
    assert followed.status_code == 200 and followed.mimetype == "image/svg+xml"
    assert followed.data == client.get("/static/favicon.svg").data
