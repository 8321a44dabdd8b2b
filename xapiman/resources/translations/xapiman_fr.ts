<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>About</name>
    <message>
        <source>unknown (not installed)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{product} (XAPI {xapi})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>About xapiman</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>xapiman {version}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Manages XenServer and XCP-ng pools.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Licence: {licence}. This program comes with ABSOLUTELY NO WARRANTY; you may share and change it under its terms.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Python {python}, Qt {qt}, PyQt {pyqt}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Documentation: {path}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pool</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Server version</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Keys</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>F6 / Shift+F6</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Move between search, tree, pages and tasks</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Menu key / Shift+F10</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The selected object's context menu</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Search the tree</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Accessible</name>
    <message>
        <source>Resource tree</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pools, servers, storage, networks and VMs; the selected object's pages are on the right</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filter the tree by name, uuid, tag or IP address</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Tree view</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Infrastructure, Objects, Folders or Tags</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pages of the selected object</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Tasks</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Operations in progress and finished</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Actions</name>
    <message>
        <source>New VM…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The object no longer exists.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The pool has no templates.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Import…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dismiss this alert?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dismiss these {count} alerts?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the alerts, for every user of the pool</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Alerts</name>
    <message>
        <source>Critical</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Major</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Warning</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Minor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Information</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Priority {n}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Performance alarm</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{what} reached {value}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pool</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Alerts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{count} new alerts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{pool}: {priority} alert: {title} ({about})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Object or text</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dismiss All Shown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{shown} of {total} alerts shown.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>All pools</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Show {name}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>CLI</name>
    <message>
        <source>save one frame of the {what}'s console as a PNG file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the {what}'s name or uuid</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>where to write the PNG image</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>seconds to wait for the whole screen (default 30)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>VM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>host</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console failed: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cannot write {path}: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{path}: {w}x{h} console frame</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Cli</name>
    <message>
        <source>{text!r} is not a number of seconds above zero</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the busiest hosts and VMs, from their live metrics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>only this host and its VMs (name or uuid)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>what to rank by (default cpu)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>how many VMs to show (default 10; 0: all)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>print JSON</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the pool's alerts, newest first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>only priorities 1 (critical) to P (default 5)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>dismiss alerts (message.destroy)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the alerts' uuids (see `alerts`)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>every alert of the pool</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>do not ask before dismissing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no answer in time</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>xapiman-cli: {host}: {why}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no metrics could be read from any host</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>HOST</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>VM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ON</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>MEMORY</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DISK</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>NETWORK</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No alerts.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>TIME</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PRIORITY</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ALERT</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ABOUT</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>UUID</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DETAILS</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>give the alerts' uuids or --all (not both)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no alert with uuid {uuids}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{count} alerts are still there</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{count} alerts dismissed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no template named or with uuid {text!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{n} templates are named {text!r}; give the uuid of one: {listing}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no {what} named {text!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>xapiman-cli: warning: {text}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>xapiman-cli: {text}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>nothing was done</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cannot export '{name}': {why}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{text!r} is not a whole number of at least 1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>recommended</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>suitable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>unsuitable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>xapiman-cli: no host can take this VM now</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Confirm</name>
    <message>
        <source>&amp;Do not ask me again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Tools ▸ Options can bring this question back.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Connect</name>
    <message>
        <source>User</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Remember the password in the system keyring</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connect to {name}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Log in to {address} as:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connect</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The new user name was not saved: {error}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Connection</name>
    <message>
        <source>connecting to {url} and reading the pool</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>gave up reconnecting after {attempts} attempts in {seconds:.0f} s: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the connection to the pool failed ({reason}) while the task ran: the operation may or may not have finished; check the pool once it is back</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name}: could not connect: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Enter Another Password…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The connection was lost; reconnecting (attempt {attempt})…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not connect: {reason}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not connect.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not connected.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{user} on {address}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Console</name>
    <message>
        <source>This VM no longer exists.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} is shut down. Start it to see its console.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} is suspended. Resume it to see its console.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Waiting for the console of {name}...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} is not reachable: its console comes back when the host is up.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the connection to the pool is not logged in</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>certificate refused: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console answer has no end of header</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the host closed the connection without answering the console request</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console answer is not HTTP: {line!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the host refused the session for the console (HTTP 401)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>this user may not open this console (HTTP 403)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the host has no such console (HTTP 404)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console is already in use and the pool allows only one viewer (HTTP 503)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the host could not open the console: the VM may have stopped or moved (HTTP 500)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the host answered the console request with HTTP {status}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>connection refused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the connection was reset</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no answer within {s:g} s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>TLS failed: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>network error: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server does not speak RFB (it greeted with {text!r})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server speaks RFB {version}, older than 3.3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server announced a desktop name of {n} bytes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console asks for a VNC password and none was given</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>wrong password</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server announced a reason of {n} bytes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console refused the connection: {reason}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console refused the connection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console offers only security types this client does not speak ({names})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server sent a {w}x{h} rectangle at {x},{y}, outside its {sw}x{sh} screen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server announced a {w}x{h} screen, which is not a real screen size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console connection was closed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server sent nothing for {s:g} seconds in the middle of a message</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server reset the console connection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console connection failed: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server closed the console connection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no whole screen came within {s:g} seconds</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console ended before showing a screen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server sent a malformed message ({error})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console failed: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server sent {n} bytes of clipboard text</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server sent the unknown message type {kind}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server sent a rectangle in encoding {n}, which was not asked for</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server sent the pseudo-encoding {n}, which was not asked for</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server asked to copy pixels from outside its screen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>a Tight rectangle has the unknown compression type {kind}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>a Tight palette index lies past its {n} colours</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>a Tight rectangle uses the unknown filter {id}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the Tight data does not inflate: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Tight data inflates to {got} bytes where {want} were due</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>a {jw}x{jh} JPEG came for a {w}x{h} rectangle</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>a Tight JPEG does not decode: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server sent a {w}x{h} pointer shape</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>a Hextile tile has unknown flags {flags:#x}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>a ZRLE rectangle announced {n} bytes of data</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the ZRLE data does not inflate: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the ZRLE data inflates to more than its rectangle can hold</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>a ZRLE tile is cut short or malformed ({error})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This console is open in its own window.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Bring It Back</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} - Console</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dock</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Full Screen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exit Full Screen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Undock</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the console could not be opened: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Send Ctrl+Alt+Del</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type Clipboard</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type the clipboard's text into the guest, key by key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Scale to Fit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Keyboard captured: press Ctrl+Alt to release it</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The connection to the pool is closed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} started.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} resumed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} moved to {host}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} restarted.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The console of {name} changed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connecting to the console on {host}...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connected to the console of {name} (RFB {version}, {w}x{h}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The guest's screen is now {w}x{h}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The console closed: {reason}. Trying again in {s:g} s.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Typed {n} characters.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Dashboard</name>
    <message>
        <source>Show CPU and &amp;Memory Bars</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dashboard of All Pools</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Metrics are not available here.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;b&gt;Servers&lt;/b&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;b&gt;Busiest VMs&lt;/b&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Loading the servers' and VMs' load…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dashboard: all pools</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CPU {cpu}, memory {memory}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Deadline</name>
    <message>
        <source>{what} did not finish within {seconds:g} s</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Display</name>
    <message>
        <source>the display {display} does not answer: start xapiman from a running desktop session, or run it as `xvfb-run xapiman`.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no display (DISPLAY and WAYLAND_DISPLAY are not set): start xapiman from a desktop session, over `ssh -X`, or as `xvfb-run xapiman`; `--screenshot FILE.png` works without one.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Endpoint</name>
    <message>
        <source>the address must not contain a user name or password (user:password@): give the user separately, and the password where it is asked for; a password in an address ends up in shell histories and process lists</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>unsupported scheme {scheme!r} in {url!r}: use https or http</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no host in {url!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>bad port in {url!r}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Errors</name>
    <message>
        <source>the server announced an answer of {size} bytes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the server's answer grew past the limit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{said}; answers are limited to {limit} bytes (raise the limit only for a pool this large)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Launch</name>
    <message>
        <source>{url} is not a server address: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--fingerprint: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>none saved yet</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no connection profile named {name!r} (saved: {names})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no password given for {user} on {address}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no password for {user} on {address}: set {env} (nobody can answer a question during a screenshot)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connect</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Password of {user} on {address}:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>could not connect to {name}: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>nothing named {name!r} in {pools}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the pool</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{what} did not appear within {seconds:.0f} seconds</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no tab {tab!r} for {name}; its tabs are: {tabs}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Menu</name>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>T&amp;ools</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Window</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Main toolbar</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Pool</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>V&amp;M</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>S&amp;torage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Te&amp;mplates</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Add Server…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connect with Another &amp;Password…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Re&amp;move from xapiman…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connect A&amp;ll</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Disconnect All</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select a server or pool first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Already connected.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not connected.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Every server is connected.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No server is connected.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Options…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Main Window</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Mi&amp;nimize</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Full Screen</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Documentation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The documentation is not installed with this copy.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;About xapiman</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Metrics</name>
    <message>
        <source>not logged in</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the host has no address</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>redirected to another scheme: {url}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the host does not answer: {error}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Naming</name>
    <message>
        <source>(unknown storage)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>(unnamed storage)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} ({host})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{name} ({type})</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>NewVm</name>
    <message>
        <source>New VM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Create</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>vCPUs and memory</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Within what the template recommends.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Number of vCPUs:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Topology:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Memory:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template '{name}' recommends 1 to {vcpus} vCPUs and {low} to {high} of memory.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{sockets} socket(s) of {cores} core(s)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Storage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template's disks can grow; add or remove disks and choose the SR of each.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Disk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SR</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Add disk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Remove disk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Disk {n} (template)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Disk {n} (new)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Networking</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The VM's network interfaces; leave the MAC address empty to have one generated.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Interface</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Network</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>MAC address</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Add interface</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Remove interface</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Interface {n}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>automatic</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Ready to create</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Check the settings; Create makes the VM, with each step shown in the task list.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Start the new VM now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Start the new VMs now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{vcpus} vCPUs, {memory} of memory, disks: {disks}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Recommended: up to {vcpus} vCPUs, {low} to {high} of memory, up to {vifs} network interfaces.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Template</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The operating system and settings the new VM starts from.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Search templates</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Default templates</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Custom templates</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>What the new VM is called; several VMs at once share a name pattern.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Description:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Number of VMs:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>With more than one VM, {n} in the name is replaced by 1, 2, 3 … (for example web-{n}); without it, -1, -2 … is added.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Names: {names}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Installation media</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Where the operating system is installed from.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ISO image:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DVD drive of a server:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Install from a network repository:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Boot from the network (PXE)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No installation media (boot from the disks)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No ISO library has images.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No server has a DVD drive.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This template installs only from a disc.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This template cannot boot from the network.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template has an operating system installed; no media is needed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Home server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The server the VM prefers to run on; automatic placement picks the best one and says why.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Place the VM automatically</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Use this home server:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Verdict</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Recommended</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Suitable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not suitable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No server can run the VM now.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Recommended now: {host} — {why}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Starting '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the start was cancelled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>'{name}' was created but not started: {why} It is kept, shut down.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the VM '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Created and started '{name}' on {host}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Created and started '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Created '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copying the template '{template}' to the new SR</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cloning the template '{template}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Naming '{name}' and setting its disks</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Setting memory ({memory}) and vCPUs ({vcpus})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Provisioning the disks of '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sizing and adding disks</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Making the network interfaces</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Setting the installation media</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Setting the home server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{vm} disk {n}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Created with the VM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>disk {n}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>disk {device}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Removing what was made for '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the VM '{name}' ({why})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{disk} of '{name}' ({why})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Creating '{name}' was cancelled at: {step}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Creating '{name}' failed at: {step}. {why}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Left on the server: {left}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Everything made for it was removed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{ok} of {total} VMs created</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{n} failed: {first}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{n} cancelled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Waiting for its turn</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New VM '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New VMs {first} … {last} from '{template}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>shared</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>local to {host}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The SR is not attached to any server.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not enough space: {free} free.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{free} free, {where}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DVD drive {drive} on {host}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose a template.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The name may not be empty.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Create between 1 and {max} VMs at once.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The name pattern gives the same name twice.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unknown installation method '{kind}'.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose an ISO image.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose a DVD drive.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template '{name}' cannot install from the network.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Give the install repository as an http://, https://, ftp:// or nfs:// address.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Network boot needs a network interface.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No installation media: the new VM has empty disks and will not boot until you insert a disc.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template allows 1 to {max} vCPUs.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The number of vCPUs must be a multiple of the cores per socket.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template needs at least {min} of memory.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template allows at most {max} of memory.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template allows at most {max} drives.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The VM has no disk.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Disk {n}: choose an SR for it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Disk {n}: the SR '{sr}' is not attached.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Disk {n}: give it a size.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Disk {n}: the template's disk can grow, not shrink below {size}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template's own disks are copied together: put them on one SR.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not enough space on '{sr}': the new disks need {need}, {free} are free.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The template allows at most {max} network interfaces.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Interface {n}: choose a network.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Interface {n}: '{mac}' is not a MAC address (aa:bb:cc:dd:ee:ff).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Interface {n}: {mac} is a multicast address.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Interface {n}: {mac} is already used by '{vm}'.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Interface {n}: {mac} is given twice.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Interface {n}: a fixed MAC address cannot go to several VMs.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose a home server, or let xapiman place the VM.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{host} cannot start VM {n} now: {why}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the pool has no servers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No server can take VM {n} now ({why}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{first} … {last} ({count} VMs)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Installation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>vCPUs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{vcpus} ({sockets} socket(s) × {cores} core(s))</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Disk {n}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{size} on {sr}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{network}, MAC {mac}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>automatic: {hosts}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no server now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>from {disc}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>from {url}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>network boot (PXE)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>none (boot from disk)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Notification</name>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Options</name>
    <message>
        <source>Options</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>As the desktop</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A new language applies when xapiman starts again.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Questions</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Ask Every Question Again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>xapiman asks before every operation that needs it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not asked any more before: {operations}.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Performance</name>
    <message>
        <source>Series</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export CSV…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export PNG…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This object no longer exists.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The VM is not running: it has no live performance data.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The host</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{host}: {error}. The graphs go on when it answers again.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Paused: the graphs are not redrawn.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Loading performance data…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export as CSV</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export as PNG</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>time</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Saved {rows} rows to {path}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Saved the graphs to {path}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not write {path}.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Placement</name>
    <message>
        <source>{size} GiB</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Recommended: {facts}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Suitable: {facts}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The VM is already on this server.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The server is not reachable.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The server is in maintenance mode.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not enough free memory: the VM needs {need}, {free} free.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The VM has {vcpus} vCPUs, the server only {cpus} CPUs.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The server cannot reach the storage '{sr}'.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The server is not connected to the network '{network}'.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{left} of memory left after this VM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{committed} vCPUs on {cpus} CPUs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CPU load {load}%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{free} free</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Profiles</name>
    <message>
        <source>the address must not contain a user name or password: put the user name in the user field; the password is asked for and kept in the system keyring</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{source}, line {line}: the alias *{name} is not accepted: write each value out in full (aliases can make a small file expand without end)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Settings</name>
    <message>
        <source>The settings in {path} could not be read ({error}); the defaults are used.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The settings file was damaged ({error}) and is kept as {path}; the defaults are used.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Sizes</name>
    <message>
        <source>'{text}' is not a size; write it like 4GiB or 512MiB.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>'{unit}' is not a unit; use MiB, GiB or TiB.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>'{text}' needs a unit: 4GiB, 512MiB ...</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{n} bytes</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Tasks</name>
    <message>
        <source>{what} is still running after {s:g} s ({progress:.0%} done)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancelled before it began.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{done} of {total} done</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>TreeHint</name>
    <message>
        <source>No object is in a folder yet. Folders group VMs, servers and storage the way you think of them: right-click an object and choose Move to Folder… to start one.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No object has a tag yet. Tags mark objects across pools (such as "production" or "backup"): right-click an object and choose Edit Tags… to add one.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Xva</name>
    <message>
        <source>'{name}' is gzip-compressed but cannot be unpacked: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>'{name}' is not an XVA export: it is too short ({size} bytes).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>'{name}' is not an XVA export: it is not a tar archive.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>'{name}' is not an XVA export: its first member is '{member}', not ova.xml.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The transfer was cancelled.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the connection to the pool is not logged in</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>redirected to {where}, which is not a host of this pool</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the export stream ended before the XVA was complete ({size} arrived)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>too many redirects</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the file became shorter while it was sent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the connection was lost after {sent} of {size} had been sent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>XVA exports (*.xva);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export to</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Import from</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The VM is written to an XVA file, which any XenServer or XCP-ng pool can import. The file appears under its name only once it is complete.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>File:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Compress (gzip, smaller and slower)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Import VM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Import a VM from an XVA export. Its disks go to the SR you choose; the server you choose receives it and becomes its home server.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Storage:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The pool's coordinator (no home server)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Server:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Import</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Checking the file…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot read it: {why}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>An XVA export ({kind}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The server did not finish the transfer within {s:g} s.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{what} was cancelled.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{ours}. The server says: {server}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{what} failed: {why}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose a file to export to.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export VM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{file} exists already. Replace it?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the file {file}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Replace</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export '{name}' to {file}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{path} is a folder; choose a file.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The folder {folder} does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exporting '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Starting the export</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export of {name}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exporting: {size} written</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Waiting for the server to finish</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exported '{name}': {size} in {file}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot read {file}: {why}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose an attached SR for the VM's disks.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The chosen server is not in this pool.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Import {file}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Importing {file}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Checking {file}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Import of {file}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Uploading: {done} of {size}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Waiting for the server to create the VM</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Setting the home server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Imported {names}</source>
        <translation type="unfinished" />
    </message>
</context></TS>
