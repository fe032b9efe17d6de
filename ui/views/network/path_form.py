"""The path query form: from / to (with completion), protocol, port, Run.

Ends are what ``analysis.network.resolve_endpoint`` accepts: "internet", an instance id, an
interface id, a subnet id or an IP address. Completions read "<id>  <what it is>"; only the first
word is sent. The form checks what it can (both ends given, a port number) and says what is wrong
in one line; the engine says the rest (an id it does not know).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from analysis.model.network import Instance

if TYPE_CHECKING:
    from analysis.model.inventory import Inventory

PROTOCOLS = (("TCP", "tcp"), ("UDP", "udp"), ("ICMP", "icmp"), ("All traffic", "-1"))


def endpoint_choices(inventory: Inventory) -> list[str]:
    """Every end a path query can name, as "<id>  <description>" lines, "internet" first."""
    net = inventory.network
    out = ["internet  (any address on the internet)"]
    for inst in sorted(net.instances.values(), key=lambda i: i.instance_id):
        where = inventory.account_name(inst.account_id) or inst.account_id
        out.append(f"{inst.instance_id}  {inst.name or 'instance'} · {where}")
    for eni in sorted(net.network_interfaces.values(), key=lambda e: e.network_interface_id):
        owner = net.get(eni.instance_id)
        what = (
            owner.name if isinstance(owner, Instance) and owner.name else (eni.instance_id or eni.description)
        )
        out.append(f"{eni.network_interface_id}  {what or eni.interface_type}")
        for ip in eni.private_ips:
            out.append(f"{ip}  private address of {eni.network_interface_id}")
        for ip in eni.public_ips:
            out.append(f"{ip}  public address of {eni.network_interface_id}")
    for subnet in sorted(net.subnets.values(), key=lambda s: s.subnet_id):
        out.append(f"{subnet.subnet_id}  subnet {subnet.name or ''} {subnet.cidr_block or ''}".rstrip())
    return out


def first_word(text: str) -> str:
    parts = text.split()
    return parts[0] if parts else ""


class PathQueryForm(QWidget):
    """Emits ``run_requested(source, destination, protocol, port or None)`` or says what is missing."""

    run_requested = Signal(str, str, str, object)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices = QStringListModel(self)
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText("internet, i-…, eni-…, subnet-… or an IP address")
        self.destination_edit = QLineEdit()
        self.destination_edit.setPlaceholderText("internet, i-…, eni-…, subnet-… or an IP address")
        for edit in (self.source_edit, self.destination_edit):
            completer = QCompleter(self._choices, edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            edit.setCompleter(completer)
            edit.returnPressed.connect(self.submit)
        self.protocol_combo = QComboBox()
        for label, value in PROTOCOLS:
            self.protocol_combo.addItem(label, value)
        self.protocol_combo.currentIndexChanged.connect(self._protocol_changed)
        self.port_edit = QLineEdit("22")
        self.port_edit.setValidator(QIntValidator(0, 65535, self))
        self.port_edit.setPlaceholderText("any")
        self.port_edit.setMaximumWidth(90)
        self.port_edit.returnPressed.connect(self.submit)
        self.swap_button = QPushButton("Swap")
        self.swap_button.clicked.connect(self.swap)
        self.run_button = QPushButton("Run")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.submit)
        self.result_label = QLabel("Ask whether one end can reach the other, and through what.")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("From", self.source_edit)
        form.addRow("To", self.destination_edit)
        row = QHBoxLayout()
        row.addWidget(self.protocol_combo)
        row.addWidget(QLabel("port"))
        row.addWidget(self.port_edit)
        row.addStretch(1)
        row.addWidget(self.swap_button)
        row.addWidget(self.run_button)
        form.addRow("Protocol", row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addStretch(1)

    def set_inventory(self, inventory: Inventory | None) -> None:
        self._choices.setStringList(endpoint_choices(inventory) if inventory is not None else [])
        for w in (self.source_edit, self.destination_edit, self.run_button, self.swap_button):
            w.setEnabled(inventory is not None)

    def set_query(
        self, source: str, destination: str, protocol: str = "tcp", port: int | None = None
    ) -> None:
        self.source_edit.setText(source)
        self.destination_edit.setText(destination)
        index = self.protocol_combo.findData(protocol)
        self.protocol_combo.setCurrentIndex(max(0, index))
        self.port_edit.setText("" if port is None else str(port))

    def swap(self) -> None:
        a, b = self.source_edit.text(), self.destination_edit.text()
        self.source_edit.setText(b)
        self.destination_edit.setText(a)

    def _protocol_changed(self) -> None:
        with_ports = self.protocol_combo.currentData() in ("tcp", "udp")
        self.port_edit.setEnabled(with_ports)

    def submit(self) -> None:
        source, destination = first_word(self.source_edit.text()), first_word(self.destination_edit.text())
        if not source or not destination:
            self.message.emit("Say where the path starts (From) and where it ends (To).")
            return
        protocol = str(self.protocol_combo.currentData())
        port: int | None = None
        if protocol in ("tcp", "udp") and self.port_edit.text().strip():
            port = int(self.port_edit.text())
        self.run_requested.emit(source, destination, protocol, port)

    def show_result(self, text: str, *, reachable: bool | None) -> None:
        colour = {True: "#2e7d32", False: "#c62828", None: "#444444"}[reachable]
        self.result_label.setStyleSheet(
            f"color: {colour}; font-weight: {'bold' if reachable is not None else 'normal'};"
        )
        self.result_label.setText(text)
