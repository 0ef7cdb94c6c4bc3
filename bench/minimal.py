"""The yardstick of the throughput figure: a minimal Flask page with the same 50-row table.

No database, no login, no layout: fifty residents held in memory, rendered by Jinja with
the columns of Butler's resident list (name with a link, unit, phone with a tel: link,
how they live there, number). Served by gunicorn exactly as Butler is.
"""

from __future__ import annotations

import random

from flask import Flask, render_template_string

from bench.seed import GIVEN, SURNAMES

rng = random.Random(50)
ROWS = [
    {
        "id": n,
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "unit": f"T{n % 4 + 1}-{n % 25 + 1}{'ABCDEF'[n % 6]}",
        "phone": f"9{rng.randint(1_000_000, 9_999_999)}",
        "role": "Owner" if n % 3 else "Family member",
        "ref": f"R{n:06d}",
    }
    for n in range(1, 51)
]

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Residents</title></head>
<body><main>
<table>
  <thead><tr><th scope="col">Name</th><th scope="col">Unit</th><th scope="col">Phone</th>
  <th scope="col">Lives there as</th><th scope="col">Number</th></tr></thead>
  <tbody>
  {% for r in rows %}
  <tr>
    <td><a href="/residents/{{ r.id }}">{{ r.name }}</a></td>
    <td>{{ r.unit }}</td>
    <td><a href="tel:{{ r.phone }}">{{ r.phone }}</a></td>
    <td>{{ r.role }}</td>
    <td>{{ r.ref }}</td>
  </tr>
  {% endfor %}
  </tbody>
</table>
</main></body></html>
"""

app = Flask(__name__)


@app.get("/")
def residents():
    return render_template_string(PAGE, rows=ROWS)
