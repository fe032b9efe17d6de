"""One image per exposed resource: how the internet reaches a network interface, hop by hop.

Each exposure of the interface (a port range through one entry: its public IP, or an internet-facing
load balancer) is a section listing the components the traffic crosses in order, from the internet
to the interface, with the direction checked and the rule that let it through (the analysis's own
words, ``analysis.network``), and the snapshot calls that recorded those components. At most
``SECTIONS`` exposures per image; the rest are named, and every one is on the Internet exposure sheet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF

from analysis.network.results import Exposure, Hop
from ui.render.drawing import MUTED, TEXT, Chip, Page, elided, font, line_height, text_width, wrap

if TYPE_CHECKING:
    from exports.bundle_content import ExposedResource
    from exports.pack_data import PackData

WIDTH = 1500
SECTIONS = 6
KINDS: dict[str, tuple[str, str]] = {
    "internet": ("Internet", "#424242"),
    "internet_gateway": ("Internet gateway", "#6a1b9a"),
    "egress_only_internet_gateway": ("Egress-only gateway", "#6a1b9a"),
    "address": ("Public IP (NAT)", "#6a1b9a"),
    "nat_gateway": ("NAT gateway", "#6a1b9a"),
    "route_table": ("Route table", "#1565c0"),
    "network_acl": ("Network ACL", "#00838f"),
    "security_group": ("Security group", "#2e7d32"),
    "load_balancer": ("Load balancer", "#e65100"),
    "listener": ("Listener", "#e65100"),
    "target_group": ("Target group", "#e65100"),
    "network_interface": ("Network interface", "#37474f"),
    "vpc_peering": ("VPC peering", "#546e7a"),
    "transit_gateway": ("Transit gateway", "#546e7a"),
    "transit_gateway_route_table": ("TGW route table", "#546e7a"),
    "transit_gateway_attachment": ("TGW attachment", "#546e7a"),
    "vpc_endpoint": ("VPC endpoint", "#546e7a"),
}
DIRECTIONS = {"inbound": "inbound", "outbound": "outbound", "return": "return traffic"}


def image_name(index: int, resource: ExposedResource) -> str:
    return f"exposure-{index:03d}-{resource.account_id}-{resource.network_interface_id}.png"


def render_exposure(data: PackData, resource: ExposedResource) -> tuple[bytes, str]:
    """(PNG, title) of one exposed resource."""
    title = f"Internet exposure of {resource.label}"
    return _draw(data, resource, title).png(), title


def entry_words(e: Exposure) -> str:
    if e.via == "load_balancer":
        listener = f" (listener {e.listener_ports.label()})" if e.listener_ports else ""
        return f"through internet-facing load balancer {e.entry}{listener} to port {e.ports.label()}"
    return f"on {e.ports.label()} through public IP {e.entry}"


def _draw(data: PackData, r: ExposedResource, title: str) -> Page:
    page = Page(WIDTH)
    m = page.margin
    y = page.y
    y += page.text(m, y, title, font(22, bold=True), width=page.inner)
    name = f"{r.account_name} ({r.account_id})" if r.account_name else r.account_id
    subnet = r.exposures[0].subnet_id
    sub = f"account {name} · {r.region} · {r.vpc_id} · {subnet} · snapshot {data.snapshot_path.name}"
    y += page.text(m, y + 4, sub, font(13), colour=MUTED, width=page.inner) + 8
    y = _summary(page, r, y)
    for i, e in enumerate(r.exposures[:SECTIONS], start=1):
        y = _section(data, page, i, e, y + 14)
    rest = r.exposures[SECTIONS:]
    if rest:
        words = "; ".join(f"{e.ports.label()} via {e.entry}" for e in rest[:20])
        more = f" and {len(rest) - 20} more" if len(rest) > 20 else ""
        text = f"Not drawn here ({len(rest)} more exposure(s) of this interface): {words}{more}. "
        text += "The Internet exposure sheet and assessment.json list every one with its hops."
        y += page.paragraph(m, y + 14, text, font(12), page.inner, colour=MUTED) + 14
    page.rule(y + 10)
    note = (
        "Each row is one component the traffic crosses, in order from the internet; the text is the rule "
        "(or route) that let it through. Network ACLs are stateless: the return traffic is checked too."
    )
    page.paragraph(m, y + 16, note, font(11), page.inner, colour=MUTED)
    return page


def _summary(page: Page, r: ExposedResource, y: float) -> float:
    m = page.margin
    f = font(12)
    lead = "Reachable from the internet: "
    page.text(m, y, lead, font(12, bold=True))
    x = m + text_width(lead, font(12, bold=True)) + 4
    seen: list[str] = []
    for e in r.exposures:
        label = e.ports.label() + (f" ({', '.join(e.management)})" if e.management else "")
        if label in seen:
            continue
        seen.append(label)
        chip = Chip(label, "#FFC7CE", "#9C0006", True) if e.management else Chip(label, "#FFE699", "#7F6000")
        w = text_width(label, f) + 16
        if x + w > page.width - m:
            x = m
            y += line_height(f) + 6
        x += page.chip(x, y, chip, f) + 6
    y += line_height(f) + 6
    if r.management:
        y += page.text(
            m, y, f"Management port(s) open to the internet: {', '.join(r.management)}", f, colour="#9C0006"
        )
    return y


def _section(data: PackData, page: Page, index: int, e: Exposure, y: float) -> float:
    m = page.margin
    head = font(15, bold=True)
    text = f"{index}. From {e.source_cidr} {entry_words(e)}"
    y += page.paragraph(m, y, text, head, page.inner) + 6
    body, mono, small = font(12), font(12, bold=True, mono=True), font(11)
    rule_x = m + 560
    rule_w = page.width - m - rule_x
    lh = line_height(body)
    rows: list[tuple[Hop, list[str], float]] = []
    for hop in e.hops:
        lines = wrap(hop.rule, body, rule_w, max_lines=3)
        rows.append((hop, lines, max(26.0, len(lines) * lh + 8)))
    line_x = m + 13
    top = y
    total = sum(h for _, _, h in rows)
    page.line(QPointF(line_x, top + 13), QPointF(line_x, top + total - 13), colour="#bdbdbd", width=2)
    for n, (hop, lines, h) in enumerate(rows, start=1):
        page.ellipse(QPointF(line_x, y + 13), 11, fill="#ffffff", border="#78909c")
        page.centred(QRectF(line_x - 11, y + 2, 22, 22), str(n), small)
        label, colour = KINDS.get(hop.kind, (hop.kind.replace("_", " "), "#546e7a"))
        page.chip(m + 34, y + 4, Chip(label, colour, "#ffffff", True), small)
        component = hop.component_id
        if component.startswith("arn:") and component.count(":") >= 5:
            component = component.split(":", 5)[5]  # the resource part: the account and region are above
        page.text(m + 190, y + 5, elided(component, mono, 250, middle=True), mono, width=250)
        if hop.direction:
            page.text(
                m + 448, y + 5, DIRECTIONS.get(hop.direction, hop.direction), small, colour=MUTED, width=80
            )
        page.lines(rule_x, y + 5, lines, body, colour=TEXT if hop.allowed else "#9C0006")
        y += h
    calls = sorted(
        {c for hop in e.hops if hop.arn for c in (getattr(data.inventory.get(hop.arn), "call_ids", ()) or ())}
    )
    if calls:
        shown = ", ".join(map(str, calls[:30])) + (f" and {len(calls) - 30} more" if len(calls) > 30 else "")
        words = f"Evidence: snapshot calls {shown} (evidence/records.json, Evidence sheet)"
        y += page.paragraph(m + 34, y + 4, words, small, page.inner - 34, colour=MUTED) + 4
    return y
