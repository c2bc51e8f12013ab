"""Reads a simulated tenant's inspection API (GET <url>/_sim/state) and checks what it shows.

usage:
  sim_state.py URL users                         prints "<object id> <display name>" per user
  sim_state.py URL summary                       prints one line per user: shown presence, what
                                                 apps and Teams hold, preferred, message
  sim_state.py URL shows AVAILABILITY [ID...]    exit 0 when every user (or each ID) shows it
  sim_state.py URL preferred AVAILABILITY MIN MAX [ID...]
                                                 exit 0 when every user (or each ID) has that
                                                 preferred presence, set to last MIN..MAX minutes
  sim_state.py URL nothing-held CLIENT_ID        exit 0 when no user has a session of that app, a
                                                 preferred presence or a status message

Checks print the summary when they fail, so a failing test shows what the tenant held. Only the
standard library: the test scripts run with whatever python3 the machine has.
"""

import json
import sys
import urllib.request
from datetime import datetime


def state(url):
    with urllib.request.urlopen(url.rstrip("/") + "/_sim/state", timeout=10) as response:
        return json.load(response)


def when(text):
    # Python before 3.11 does not read the trailing "Z" or nanoseconds; cut both.
    text = text.rstrip("Z")
    if "." in text:
        head, fraction = text.split(".", 1)
        text = head + "." + fraction[:6]
    return datetime.fromisoformat(text)


def line(user):
    presence = user["presence"]
    sessions = ", ".join(
        f'{s["sessionId"]}={s["effectiveAvailability"]}' for s in user["sessions"]
    ) or "none"
    preferred = user["preferred"]
    preferred_text = (
        f'{preferred["availability"]} until {preferred["expiresAt"]}' if preferred else "none"
    )
    message = user["statusMessage"]
    message_text = repr(message["content"]) if message else "none"
    return (
        f'{user["id"]} {user["displayName"]}: shows {presence["availability"]}/'
        f'{presence["activity"]}; sessions: {sessions}; preferred: {preferred_text}; '
        f"message: {message_text}"
    )


def selected(snapshot, ids):
    users = snapshot["users"]
    if not ids:
        return users
    chosen = [u for u in users if u["id"] in ids]
    missing = set(ids) - {u["id"] for u in chosen}
    if missing:
        raise SystemExit(f"the simulated tenant has no user {', '.join(sorted(missing))}")
    return chosen


def report(snapshot, ok, what):
    if not ok:
        print(f"the simulated tenant does not show {what}; it holds:", file=sys.stderr)
        for user in snapshot["users"]:
            print("  " + line(user), file=sys.stderr)
    return 0 if ok else 1


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    url, command, args = argv[1], argv[2], argv[3:]
    snapshot = state(url)
    if command == "users":
        for user in snapshot["users"]:
            print(f'{user["id"]} {user["displayName"]}')
        return 0
    if command == "summary":
        for user in snapshot["users"]:
            print(line(user))
        return 0
    if command == "shows" and args:
        users = selected(snapshot, args[1:])
        ok = all(u["presence"]["availability"] == args[0] for u in users)
        return report(snapshot, ok, f"{args[0]} for every user")
    if command == "preferred" and len(args) >= 3:
        wanted, low, high = args[0], float(args[1]), float(args[2])

        def fits(user):
            preferred = user["preferred"]
            if not preferred or preferred["availability"] != wanted:
                return False
            minutes = (when(preferred["expiresAt"]) - when(preferred["setAt"])).total_seconds() / 60
            return low <= minutes <= high

        ok = all(fits(u) for u in selected(snapshot, args[3:]))
        return report(snapshot, ok, f"a preferred {wanted} lasting {low:g}..{high:g} minutes")
    if command == "nothing-held" and len(args) == 1:
        client = args[0].lower()
        ok = all(
            not any(s["sessionId"].lower() == client for s in u["sessions"])
            and u["preferred"] is None
            and u["statusMessage"] is None
            for u in snapshot["users"]
        )
        return report(snapshot, ok, f"nothing held by app {client}")
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
