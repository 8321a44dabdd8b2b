<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>About</name>
    <message>
        <source>unknown (not installed)</source>
        <translation>inconnue (non installé)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnue</translation>
    </message>
    <message>
        <source>{product} (XAPI {xapi})</source>
        <translation>{product} (XAPI {xapi})</translation>
    </message>
    <message>
        <source>About xapiman</source>
        <translation>À propos de xapiman</translation>
    </message>
    <message>
        <source>xapiman {version}</source>
        <translation>xapiman {version}</translation>
    </message>
    <message>
        <source>Manages XenServer and XCP-ng pools.</source>
        <translation>Gère les pools XenServer et XCP-ng.</translation>
    </message>
    <message>
        <source>Licence: {licence}. This program comes with ABSOLUTELY NO WARRANTY; you may share and change it under its terms.</source>
        <translation>Licence : {licence}. Ce programme est fourni SANS AUCUNE GARANTIE ; vous pouvez le partager et le modifier selon ses termes.</translation>
    </message>
    <message>
        <source>Python {python}, Qt {qt}, PyQt {pyqt}</source>
        <translation>Python {python}, Qt {qt}, PyQt {pyqt}</translation>
    </message>
    <message>
        <source>Documentation: {path}</source>
        <translation>Documentation : {path}</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Server version</source>
        <translation>Version du serveur</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Touches</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Commande</translation>
    </message>
    <message>
        <source>F6 / Shift+F6</source>
        <translation>F6 / Maj+F6</translation>
    </message>
    <message>
        <source>Move between search, tree, pages and tasks</source>
        <translation>Passer de la recherche à l'arborescence, aux pages et aux tâches</translation>
    </message>
    <message>
        <source>Menu key / Shift+F10</source>
        <translation>Touche Menu / Maj+F10</translation>
    </message>
    <message>
        <source>The selected object's context menu</source>
        <translation>Le menu contextuel de l'objet sélectionné</translation>
    </message>
    <message>
        <source>Search the tree</source>
        <translation>Rechercher dans l'arborescence</translation>
    </message>
</context><context>
    <name>Accessible</name>
    <message>
        <source>Resource tree</source>
        <translation>Arborescence des ressources</translation>
    </message>
    <message>
        <source>Pools, servers, storage, networks and VMs; the selected object's pages are on the right</source>
        <translation>Pools, serveurs, stockage, réseaux et VM ; les pages de l'objet sélectionné sont à droite</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Recherche</translation>
    </message>
    <message>
        <source>Filter the tree by name, uuid, tag or IP address</source>
        <translation>Filtrer l'arborescence par nom, uuid, étiquette ou adresse IP</translation>
    </message>
    <message>
        <source>Tree view</source>
        <translation>Vue de l'arborescence</translation>
    </message>
    <message>
        <source>Infrastructure, Objects, Folders or Tags</source>
        <translation>Infrastructure, Objets, Dossiers ou Étiquettes</translation>
    </message>
    <message>
        <source>Pages of the selected object</source>
        <translation>Pages de l'objet sélectionné</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>Operations in progress and finished</source>
        <translation>Opérations en cours et terminées</translation>
    </message>
</context><context>
    <name>Actions</name>
    <message>
        <source>{action}: select an object first.</source>
        <translation>{action} : sélectionnez d'abord un objet.</translation>
    </message>
    <message>
        <source>{action}: {reason}</source>
        <translation>{action} : {reason}</translation>
    </message>
    <message>
        <source>{action} failed: {error}</source>
        <translation>{action} a échoué : {error}</translation>
    </message>
    <message>
        <source>{action} failed unexpectedly: {error}</source>
        <translation>{action} a échoué de façon inattendue : {error}</translation>
    </message>
    <message>
        <source>{action} '{name}'</source>
        <translation>{action} « {name} »</translation>
    </message>
    <message>
        <source>Shut down {names}? Each guest is asked to shut down; what runs in it stops.</source>
        <translation>Arrêter {names} ? Chaque invité est prié de s'arrêter ; ce qui y tourne s'arrête.</translation>
    </message>
    <message>
        <source>Force shut down {names}? This is like pulling the power plug: anything the guest has not written to disk is lost.</source>
        <translation>Forcer l'arrêt de {names} ? C'est comme débrancher la prise : tout ce que l'invité n'a pas écrit sur disque est perdu.</translation>
    </message>
    <message>
        <source>Reboot {names}? Each guest is asked to restart; what runs in it stops for a while.</source>
        <translation>Redémarrer {names} ? Chaque invité est prié de redémarrer ; ce qui y tourne s'arrête un moment.</translation>
    </message>
    <message>
        <source>Force reboot {names}? This is like pressing the reset button: anything the guest has not written to disk is lost.</source>
        <translation>Forcer le redémarrage de {names} ? C'est comme appuyer sur le bouton de réinitialisation : tout ce que l'invité n'a pas écrit sur disque est perdu.</translation>
    </message>
    <message>
        <source>Suspend {names}? Each VM's memory is written to disk and it stops until it is resumed.</source>
        <translation>Suspendre {names} ? La mémoire de chaque VM est écrite sur disque et elle s'arrête jusqu'à sa reprise.</translation>
    </message>
    <message>
        <source>The object no longer exists.</source>
        <translation>L'objet n'existe plus.</translation>
    </message>
    <message>
        <source>Nothing is selected.</source>
        <translation>Rien n'est sélectionné.</translation>
    </message>
    <message>
        <source>{action} works on one object at a time.</source>
        <translation>{action} ne s'applique qu'à un objet à la fois.</translation>
    </message>
    <message>
        <source>{action} does not apply to this object.</source>
        <translation>{action} ne s'applique pas à cet objet.</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en marche</translation>
    </message>
    <message>
        <source>shut down</source>
        <translation>arrêtée</translation>
    </message>
    <message>
        <source>suspended</source>
        <translation>suspendue</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>be suspended</source>
        <translation>être suspendue</translation>
    </message>
    <message>
        <source>be checkpointed</source>
        <translation>faire l'objet d'un point de contrôle</translation>
    </message>
    <message>
        <source>move while it runs</source>
        <translation>être déplacée en marche</translation>
    </message>
    <message>
        <source>be shut down cleanly</source>
        <translation>être arrêtée proprement</translation>
    </message>
    <message>
        <source>be rebooted cleanly</source>
        <translation>être redémarrée proprement</translation>
    </message>
    <message>
        <source>change its vCPUs while it runs</source>
        <translation>changer de vCPU en marche</translation>
    </message>
    <message>
        <source>Not possible on a control domain.</source>
        <translation>Impossible sur un domaine de contrôle.</translation>
    </message>
    <message>
        <source>Not possible on a snapshot.</source>
        <translation>Impossible sur un instantané.</translation>
    </message>
    <message>
        <source>Not possible on a template.</source>
        <translation>Impossible sur un modèle.</translation>
    </message>
    <message>
        <source>This operation is blocked on this VM.</source>
        <translation>Cette opération est bloquée sur cette VM.</translation>
    </message>
    <message>
        <source>Busy: {operations} in progress.</source>
        <translation>Occupée : {operations} en cours.</translation>
    </message>
    <message>
        <source>Not possible while the VM is {state}.</source>
        <translation>Impossible tant que la VM est {state}.</translation>
    </message>
    <message>
        <source>The VM has no guest tools running, so it cannot {doing}; install them in the guest.</source>
        <translation>La VM n'a pas d'outils invités actifs, elle ne peut donc pas {doing} ; installez-les dans l'invité.</translation>
    </message>
    <message>
        <source>The VM's guest does not support suspending, so it cannot {doing}.</source>
        <translation>L'invité de la VM ne prend pas en charge la suspension, elle ne peut donc pas {doing}.</translation>
    </message>
    <message>
        <source>The VM's guest does not allow it to {doing} now.</source>
        <translation>L'invité de la VM ne lui permet pas de {doing} maintenant.</translation>
    </message>
    <message>
        <source>The server does not allow this on the VM now (it is {state}).</source>
        <translation>Le serveur ne le permet pas sur la VM maintenant (elle est {state}).</translation>
    </message>
    <message>
        <source>The server does not allow this now.</source>
        <translation>Le serveur ne le permet pas maintenant.</translation>
    </message>
    <message>
        <source>The VM has no guest tools running, so it cannot be rebooted cleanly; use Force Reboot.</source>
        <translation>La VM n'a pas d'outils invités actifs, elle ne peut donc pas être redémarrée proprement ; utilisez Forcer le redémarrage.</translation>
    </message>
    <message>
        <source>The VM has no guest tools running, so it cannot be shut down cleanly; use Force Shut Down.</source>
        <translation>La VM n'a pas d'outils invités actifs, elle ne peut donc pas être arrêtée proprement ; utilisez Forcer l'arrêt.</translation>
    </message>
    <message>
        <source>The DVD drive is empty.</source>
        <translation>Le lecteur de DVD est vide.</translation>
    </message>
    <message>
        <source>New VM…</source>
        <translation>Nouvelle VM…</translation>
    </message>
    <message>
        <source>The pool has no templates.</source>
        <translation>Le pool n'a aucun modèle.</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importer…</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Ignorer</translation>
    </message>
    <message>
        <source>Enter Maintenance Mode</source>
        <translation>Passer en mode maintenance</translation>
    </message>
    <message>
        <source>Exit Maintenance Mode</source>
        <translation>Quitter le mode maintenance</translation>
    </message>
    <message>
        <source>Reboot Server</source>
        <translation>Redémarrer le serveur</translation>
    </message>
    <message>
        <source>Shut Down Server</source>
        <translation>Arrêter le serveur</translation>
    </message>
    <message>
        <source>Add User or Group…</source>
        <translation>Ajouter un utilisateur ou un groupe…</translation>
    </message>
    <message>
        <source>Change Role…</source>
        <translation>Changer le rôle…</translation>
    </message>
    <message>
        <source>Remove User or Group…</source>
        <translation>Retirer l'utilisateur ou le groupe…</translation>
    </message>
    <message>
        <source>Insert ISO</source>
        <translation>Insérer un ISO</translation>
    </message>
    <message>
        <source>Eject ISO</source>
        <translation>Éjecter l'ISO</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Démarrer</translation>
    </message>
    <message>
        <source>Shut Down</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Force Shut Down</source>
        <translation>Forcer l'arrêt</translation>
    </message>
    <message>
        <source>Reboot</source>
        <translation>Redémarrer</translation>
    </message>
    <message>
        <source>Force Reboot</source>
        <translation>Forcer le redémarrage</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>Suspendre</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Mettre en pause</translation>
    </message>
    <message>
        <source>Unpause</source>
        <translation>Sortir de pause</translation>
    </message>
    <message>
        <source>Clone (fast)</source>
        <translation>Cloner (rapide)</translation>
    </message>
    <message>
        <source>Copy (full)</source>
        <translation>Copier (complète)</translation>
    </message>
    <message>
        <source>Take Snapshot</source>
        <translation>Prendre un instantané</translation>
    </message>
    <message>
        <source>Revert to Snapshot</source>
        <translation>Revenir à l'instantané</translation>
    </message>
    <message>
        <source>Delete Snapshot</source>
        <translation>Supprimer l'instantané</translation>
    </message>
    <message>
        <source>Start on Server</source>
        <translation>Démarrer sur le serveur</translation>
    </message>
    <message>
        <source>Migrate to Server</source>
        <translation>Migrer vers le serveur</translation>
    </message>
    <message>
        <source>Migrate VM</source>
        <translation>Migrer la VM</translation>
    </message>
    <message>
        <source>Turn On High Availability</source>
        <translation>Activer la haute disponibilité</translation>
    </message>
    <message>
        <source>Change Server Failures to Tolerate</source>
        <translation>Changer le nombre de pannes de serveur tolérées</translation>
    </message>
    <message>
        <source>Turn Off High Availability</source>
        <translation>Désactiver la haute disponibilité</translation>
    </message>
    <message>
        <source>High Availability Restart</source>
        <translation>Redémarrage par la haute disponibilité</translation>
    </message>
    <message>
        <source>Add Server to a Pool</source>
        <translation>Ajouter le serveur à un pool</translation>
    </message>
    <message>
        <source>Remove Server from Pool</source>
        <translation>Retirer le serveur du pool</translation>
    </message>
    <message>
        <source>Make Coordinator</source>
        <translation>Faire coordinateur</translation>
    </message>
    <message>
        <source>Suspend / Resume</source>
        <translation>Suspendre / Reprendre</translation>
    </message>
    <message>
        <source>Delete VM</source>
        <translation>Supprimer la VM</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Renommer</translation>
    </message>
    <message>
        <source>Set vCPUs</source>
        <translation>Définir les vCPU</translation>
    </message>
    <message>
        <source>Set Memory</source>
        <translation>Définir la mémoire</translation>
    </message>
    <message>
        <source>Edit Tags</source>
        <translation>Modifier les étiquettes</translation>
    </message>
    <message>
        <source>Move to Folder</source>
        <translation>Déplacer vers un dossier</translation>
    </message>
    <message>
        <source>Dismiss this alert?</source>
        <translation>Ignorer cette alerte ?</translation>
    </message>
    <message>
        <source>Dismiss these {count} alerts?</source>
        <translation>Ignorer ces {count} alertes ?</translation>
    </message>
    <message>
        <source>the alerts, for every user of the pool</source>
        <translation>les alertes, pour tous les utilisateurs du pool</translation>
    </message>
</context><context>
    <name>AddServer</name>
    <message>
        <source>Add a server</source>
        <translation>Ajouter un serveur</translation>
    </message>
    <message>
        <source>Enter the address of a XenServer or XCP-ng host. To manage a pool, use the address of its coordinator (pool master).</source>
        <translation>Saisissez l'adresse d'un hôte XenServer ou XCP-ng. Pour gérer un pool, utilisez l'adresse de son coordinateur (pool master).</translation>
    </message>
    <message>
        <source>host name, IP address, host:port or https:// URL</source>
        <translation>nom, adresse IP, hôte:port ou https://…</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Serveur :</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>Nom d'&amp;utilisateur :</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>Mot de &amp;passe :</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>&amp;Remember password</source>
        <translation>&amp;Mémoriser le mot de passe</translation>
    </message>
    <message>
        <source>Keep the password in the system keyring, so that xapiman can reconnect without asking.</source>
        <translation>Garder le mot de passe dans le trousseau du système, pour que xapiman puisse se reconnecter sans le demander.</translation>
    </message>
    <message>
        <source>No system keyring is available to keep it.</source>
        <translation>Aucun trousseau système n'est disponible pour le garder.</translation>
    </message>
    <message>
        <source>Connect using plain &amp;HTTP (not encrypted)</source>
        <translation>Se connecter en &amp;HTTP simple (non chiffré)</translation>
    </message>
</context><context>
    <name>Alerts</name>
    <message>
        <source>Critical</source>
        <translation>Critique</translation>
    </message>
    <message>
        <source>Major</source>
        <translation>Majeure</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Avertissement</translation>
    </message>
    <message>
        <source>Minor</source>
        <translation>Mineure</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>Information</translation>
    </message>
    <message>
        <source>Priority {n}</source>
        <translation>Priorité {n}</translation>
    </message>
    <message>
        <source>Performance alarm</source>
        <translation>Alarme de performance</translation>
    </message>
    <message>
        <source>CPU usage</source>
        <translation>Utilisation CPU</translation>
    </message>
    <message>
        <source>Network usage</source>
        <translation>Utilisation réseau</translation>
    </message>
    <message>
        <source>Disk usage</source>
        <translation>Utilisation disque</translation>
    </message>
    <message>
        <source>Free memory</source>
        <translation>Mémoire libre</translation>
    </message>
    <message>
        <source>Memory usage</source>
        <translation>Utilisation mémoire</translation>
    </message>
    <message>
        <source>File system usage</source>
        <translation>Utilisation du système de fichiers</translation>
    </message>
    <message>
        <source>Log file system usage</source>
        <translation>Utilisation du système de fichiers des journaux</translation>
    </message>
    <message>
        <source>SR usage</source>
        <translation>Utilisation du SR</translation>
    </message>
    <message>
        <source>SR throughput</source>
        <translation>Débit du SR</translation>
    </message>
    <message>
        <source>{what} reached {value}</source>
        <translation>{what} : seuil atteint ({value})</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertes</translation>
    </message>
    <message>
        <source>{count} new alerts</source>
        <translation>{count} nouvelles alertes</translation>
    </message>
    <message>
        <source>{pool}: {priority} alert: {title} ({about})</source>
        <translation>{pool} : alerte {priority} : {title} ({about})</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Alerte</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Toute date</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Dernière heure</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Dernières 24 heures</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 derniers jours</translation>
    </message>
    <message>
        <source>All priorities</source>
        <translation>Toutes les priorités</translation>
    </message>
    <message>
        <source>Major and above</source>
        <translation>Majeure et plus</translation>
    </message>
    <message>
        <source>Warning and above</source>
        <translation>Avertissement et plus</translation>
    </message>
    <message>
        <source>Minor and above</source>
        <translation>Mineure et plus</translation>
    </message>
    <message>
        <source>Object or text</source>
        <translation>Objet ou texte</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Ignorer</translation>
    </message>
    <message>
        <source>Dismiss All Shown</source>
        <translation>Ignorer toutes celles affichées</translation>
    </message>
    <message>
        <source>{shown} of {total} alerts shown.</source>
        <translation>{shown} alertes affichées sur {total}.</translation>
    </message>
    <message>
        <source>All pools</source>
        <translation>Tous les pools</translation>
    </message>
    <message>
        <source>Show {name}</source>
        <translation>Afficher {name}</translation>
    </message>
</context><context>
    <name>CLI</name>
    <message>
        <source>save one frame of the {what}'s console as a PNG file</source>
        <translation>enregistrer une image de la console du {what} dans un fichier PNG</translation>
    </message>
    <message>
        <source>the {what}'s name or uuid</source>
        <translation>le nom ou l'uuid du {what}</translation>
    </message>
    <message>
        <source>where to write the PNG image</source>
        <translation>où écrire l'image PNG</translation>
    </message>
    <message>
        <source>seconds to wait for the whole screen (default 30)</source>
        <translation>secondes d'attente de l'écran entier (30 par défaut)</translation>
    </message>
    <message>
        <source>VM</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>host</source>
        <translation>hôte</translation>
    </message>
    <message>
        <source>the console failed: {error}</source>
        <translation>la console a échoué : {error}</translation>
    </message>
    <message>
        <source>cannot write {path}: {error}</source>
        <translation>impossible d'écrire {path} : {error}</translation>
    </message>
    <message>
        <source>{path}: {w}x{h} console frame</source>
        <translation>{path} : image de console {w}x{h}</translation>
    </message>
</context><context>
    <name>Certificate</name>
    <message>
        <source>Certificate of {host} has changed</source>
        <translation>Le certificat de {host} a changé</translation>
    </message>
    <message>
        <source>Warning: the certificate of {host} has CHANGED</source>
        <translation>Attention : le certificat de {host} a CHANGÉ</translation>
    </message>
    <message>
        <source>Trust the certificate of {host}?</source>
        <translation>Faire confiance au certificat de {host} ?</translation>
    </message>
    <message>
        <source>The certificate of {host} is not yet trusted</source>
        <translation>Le certificat de {host} n'est pas encore approuvé</translation>
    </message>
    <message>
        <source>To see the fingerprint on the server, run this in its console:</source>
        <translation>Pour voir l'empreinte sur le serveur, exécutez ceci dans sa console :</translation>
    </message>
</context><context>
    <name>Certificates</name>
    <message>
        <source>the certificate of {address} expired on {date}; it is the trusted one, so the connection goes ahead: renew it on the server</source>
        <translation>le certificat de {address} a expiré le {date} ; c'est celui qui est approuvé, la connexion continue donc : renouvelez-le sur le serveur</translation>
    </message>
    <message>
        <source>the certificate of {address} is valid only from {date} (is a clock wrong?); it is the trusted one, so the connection goes ahead</source>
        <translation>le certificat de {address} n'est valable qu'à partir du {date} (une horloge est-elle fausse ?) ; c'est celui qui est approuvé, la connexion continue donc</translation>
    </message>
</context><context>
    <name>Cli</name>
    <message>
        <source>{text!r} is not a number of seconds above zero</source>
        <translation>{text!r} n'est pas un nombre de secondes supérieur à zéro</translation>
    </message>
    <message>
        <source>xapiman-cli: could not save the pinned certificate: {error}</source>
        <translation>xapiman-cli : impossible d'enregistrer le certificat épinglé : {error}</translation>
    </message>
    <message>
        <source>xapiman-cli: warning: {text}</source>
        <translation>xapiman-cli : avertissement : {text}</translation>
    </message>
    <message>
        <source>--disk {text}: write DISK=SR</source>
        <translation>--disk {text} : écrivez DISQUE=SR</translation>
    </message>
    <message>
        <source>--disk {text}: the VMs have no disk named or with uuid {name!r}</source>
        <translation>--disk {text} : les VM n'ont pas de disque nommé {name!r} ou avec cet uuid</translation>
    </message>
    <message>
        <source>--disk {text}: {n} disks are named {name!r}; give the uuid</source>
        <translation>--disk {text} : {n} disques s'appellent {name!r} ; donnez l'uuid</translation>
    </message>
    <message>
        <source>--network {text}: write A=B</source>
        <translation>--network {text} : écrivez A=B</translation>
    </message>
    <message>
        <source>--network {text}: no interface of the VMs is on {name!r}</source>
        <translation>--network {text} : aucune interface des VM n'est sur {name!r}</translation>
    </message>
    <message>
        <source>--network {text}: inside a pool interfaces keep their networks</source>
        <translation>--network {text} : au sein d'un pool, les interfaces gardent leurs réseaux</translation>
    </message>
    <message>
        <source>cannot migrate '{name}': {why}</source>
        <translation>impossible de migrer « {name} » : {why}</translation>
    </message>
    <message>
        <source>xapiman-cli: {text}</source>
        <translation>xapiman-cli : {text}</translation>
    </message>
    <message>
        <source>the busiest hosts and VMs, from their live metrics</source>
        <translation>les hôtes et VM les plus chargés, d'après leurs métriques en direct</translation>
    </message>
    <message>
        <source>only this host and its VMs (name or uuid)</source>
        <translation>seulement cet hôte et ses VM (nom ou uuid)</translation>
    </message>
    <message>
        <source>what to rank by (default cpu)</source>
        <translation>critère de classement (cpu par défaut)</translation>
    </message>
    <message>
        <source>how many VMs to show (default 10; 0: all)</source>
        <translation>nombre de VM à afficher (10 par défaut ; 0 : toutes)</translation>
    </message>
    <message>
        <source>print JSON</source>
        <translation>afficher du JSON</translation>
    </message>
    <message>
        <source>the pool's alerts, newest first</source>
        <translation>les alertes du pool, les plus récentes d'abord</translation>
    </message>
    <message>
        <source>only priorities 1 (critical) to P (default 5)</source>
        <translation>seulement les priorités 1 (critique) à P (5 par défaut)</translation>
    </message>
    <message>
        <source>dismiss alerts (message.destroy)</source>
        <translation>ignorer des alertes (message.destroy)</translation>
    </message>
    <message>
        <source>the alerts' uuids (see `alerts`)</source>
        <translation>les uuid des alertes (voir `alerts`)</translation>
    </message>
    <message>
        <source>every alert of the pool</source>
        <translation>toutes les alertes du pool</translation>
    </message>
    <message>
        <source>do not ask before dismissing</source>
        <translation>ne pas demander avant d'ignorer</translation>
    </message>
    <message>
        <source>no answer in time</source>
        <translation>pas de réponse à temps</translation>
    </message>
    <message>
        <source>xapiman-cli: {host}: {why}</source>
        <translation>xapiman-cli : {host} : {why}</translation>
    </message>
    <message>
        <source>no metrics could be read from any host</source>
        <translation>aucune métrique n'a pu être lue sur aucun hôte</translation>
    </message>
    <message>
        <source>HOST</source>
        <translation>HÔTE</translation>
    </message>
    <message>
        <source>VM</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>ON</source>
        <translation>SUR</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>MEMORY</source>
        <translation>MÉMOIRE</translation>
    </message>
    <message>
        <source>DISK</source>
        <translation>DISQUE</translation>
    </message>
    <message>
        <source>NETWORK</source>
        <translation>RÉSEAU</translation>
    </message>
    <message>
        <source>No alerts.</source>
        <translation>Aucune alerte.</translation>
    </message>
    <message>
        <source>TIME</source>
        <translation>HEURE</translation>
    </message>
    <message>
        <source>PRIORITY</source>
        <translation>PRIORITÉ</translation>
    </message>
    <message>
        <source>ALERT</source>
        <translation>ALERTE</translation>
    </message>
    <message>
        <source>ABOUT</source>
        <translation>OBJET</translation>
    </message>
    <message>
        <source>UUID</source>
        <translation>UUID</translation>
    </message>
    <message>
        <source>DETAILS</source>
        <translation>DÉTAILS</translation>
    </message>
    <message>
        <source>give the alerts' uuids or --all (not both)</source>
        <translation>donnez les uuid des alertes ou --all (pas les deux)</translation>
    </message>
    <message>
        <source>no alert with uuid {uuids}</source>
        <translation>aucune alerte avec l'uuid {uuids}</translation>
    </message>
    <message>
        <source>{count} alerts are still there</source>
        <translation>{count} alertes sont toujours là</translation>
    </message>
    <message>
        <source>{count} alerts dismissed</source>
        <translation>{count} alertes ignorées</translation>
    </message>
    <message>
        <source>list the pool's tasks and wait for one to end</source>
        <translation>lister les tâches du pool et attendre la fin de l'une d'elles</translation>
    </message>
    <message>
        <source>the pool's tasks: those running first, then those that ended, newest first</source>
        <translation>les tâches du pool : celles en cours d'abord, puis celles terminées, les plus récentes d'abord</translation>
    </message>
    <message>
        <source>wait for a task to end (e.g. one started with --no-wait) and say how it ended</source>
        <translation>attendre la fin d'une tâche (par exemple lancée avec --no-wait) et dire comment elle s'est terminée</translation>
    </message>
    <message>
        <source>the task's reference (OpaqueRef:..., as --no-wait prints it) or uuid</source>
        <translation>la référence de la tâche (OpaqueRef:..., telle que --no-wait l'affiche) ou son uuid</translation>
    </message>
    <message>
        <source>No tasks.</source>
        <translation>Aucune tâche.</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>ÉTAT</translation>
    </message>
    <message>
        <source>DONE</source>
        <translation>FAIT</translation>
    </message>
    <message>
        <source>STARTED</source>
        <translation>DÉBUT</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>no task with the reference or uuid {text!r} on this pool (it may have ended and been removed)</source>
        <translation>aucune tâche avec la référence ou l'uuid {text!r} sur ce pool (elle s'est peut-être terminée et a été supprimée)</translation>
    </message>
    <message>
        <source>{title}: made {made}</source>
        <translation>{title} : créé {made}</translation>
    </message>
    <message>
        <source>{title}: done</source>
        <translation>{title} : fait</translation>
    </message>
    <message>
        <source>no template named or with uuid {text!r}</source>
        <translation>aucun modèle nommé {text!r} ou avec cet uuid</translation>
    </message>
    <message>
        <source>{n} templates are named {text!r}; give the uuid of one: {listing}</source>
        <translation>{n} modèles s'appellent {text!r} ; donnez l'uuid de l'un d'eux : {listing}</translation>
    </message>
    <message>
        <source>no {what} named {text!r}</source>
        <translation>aucun {what} nommé {text!r}</translation>
    </message>
    <message>
        <source>nothing was done</source>
        <translation>rien n'a été fait</translation>
    </message>
    <message>
        <source>cannot export '{name}': {why}</source>
        <translation>impossible d'exporter « {name} » : {why}</translation>
    </message>
    <message>
        <source>{text!r} is not a whole number of at least 1</source>
        <translation>{text!r} n'est pas un nombre entier d'au moins 1</translation>
    </message>
    <message>
        <source>recommended</source>
        <translation>recommandé</translation>
    </message>
    <message>
        <source>suitable</source>
        <translation>convenable</translation>
    </message>
    <message>
        <source>unsuitable</source>
        <translation>inadapté</translation>
    </message>
    <message>
        <source>xapiman-cli: no host can take this VM now</source>
        <translation>xapiman-cli : aucun hôte ne peut prendre cette VM maintenant</translation>
    </message>
</context><context>
    <name>Confirm</name>
    <message>
        <source>&amp;Do not ask me again</source>
        <translation>&amp;Ne plus me demander</translation>
    </message>
    <message>
        <source>Tools ▸ Options can bring this question back.</source>
        <translation>Outils ▸ Options peut faire revenir cette question.</translation>
    </message>
</context><context>
    <name>Connect</name>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Remember the password in the system keyring</source>
        <translation>Mémoriser le mot de passe dans le trousseau du système</translation>
    </message>
    <message>
        <source>Connect to {name}</source>
        <translation>Se connecter à {name}</translation>
    </message>
    <message>
        <source>Log in to {address} as:</source>
        <translation>Se connecter à {address} en tant que :</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>The new user name was not saved: {error}</source>
        <translation>Le nouveau nom d'utilisateur n'a pas été enregistré : {error}</translation>
    </message>
    <message>
        <source>Password of {user} on {address}:</source>
        <translation>Mot de passe de {user} sur {address} :</translation>
    </message>
</context><context>
    <name>ConnectFlow</name>
    <message>
        <source>There is no system keyring.</source>
        <translation>Il n'y a pas de trousseau système.</translation>
    </message>
    <message>
        <source>Could not save the server: {error}</source>
        <translation>Impossible d'enregistrer le serveur : {error}</translation>
    </message>
    <message>
        <source>The password was not remembered: {error}</source>
        <translation>Le mot de passe n'a pas été mémorisé : {error}</translation>
    </message>
    <message>
        <source>The saved password of {name} could not be read: {problem}</source>
        <translation>Le mot de passe enregistré de {name} n'a pas pu être lu : {problem}</translation>
    </message>
    <message>
        <source>Remove Server</source>
        <translation>Retirer le serveur</translation>
    </message>
    <message>
        <source>Remove '{name}' from xapiman? The connection closes and its saved settings and password are forgotten. Nothing changes on the server.</source>
        <translation>Retirer « {name} » de xapiman ? La connexion se ferme et ses réglages et son mot de passe enregistrés sont oubliés. Rien ne change sur le serveur.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>{name} is still in the saved servers: {error}</source>
        <translation>{name} est toujours dans les serveurs enregistrés : {error}</translation>
    </message>
    <message>
        <source>The saved password of {name} could not be forgotten: {error}</source>
        <translation>Le mot de passe enregistré de {name} n'a pas pu être oublié : {error}</translation>
    </message>
    <message>
        <source>Something went wrong: {error}</source>
        <translation>Quelque chose s'est mal passé : {error}</translation>
    </message>
</context><context>
    <name>Connection</name>
    <message>
        <source>connecting to {url} and reading the pool</source>
        <translation>connexion à {url} et lecture du pool</translation>
    </message>
    <message>
        <source>gave up reconnecting after {attempts} attempts in {seconds:.0f} s: {error}</source>
        <translation>abandon de la reconnexion après {attempts} tentatives en {seconds:.0f} s : {error}</translation>
    </message>
    <message>
        <source>the connection to the pool failed ({reason}) while the task ran: the operation may or may not have finished; check the pool once it is back</source>
        <translation>la connexion au pool a échoué ({reason}) pendant la tâche : l'opération s'est peut-être terminée, ou non ; vérifiez le pool quand il sera revenu</translation>
    </message>
    <message>
        <source>{name}: could not connect: {error}</source>
        <translation>{name} : connexion impossible : {error}</translation>
    </message>
    <message>
        <source>Enter Another Password…</source>
        <translation>Saisir un autre mot de passe…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>The connection was lost; reconnecting (attempt {attempt})…</source>
        <translation>La connexion a été perdue ; reconnexion (tentative {attempt})…</translation>
    </message>
    <message>
        <source>Could not connect: {reason}</source>
        <translation>Connexion impossible : {reason}</translation>
    </message>
    <message>
        <source>Could not connect.</source>
        <translation>Connexion impossible.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>{user} on {address}</source>
        <translation>{user} sur {address}</translation>
    </message>
</context><context>
    <name>Console</name>
    <message>
        <source>This VM no longer exists.</source>
        <translation>Cette VM n'existe plus.</translation>
    </message>
    <message>
        <source>{name} is shut down. Start it to see its console.</source>
        <translation>{name} est arrêtée. Démarrez-la pour voir sa console.</translation>
    </message>
    <message>
        <source>{name} is suspended. Resume it to see its console.</source>
        <translation>{name} est suspendue. Reprenez-la pour voir sa console.</translation>
    </message>
    <message>
        <source>Waiting for the console of {name}...</source>
        <translation>En attente de la console de {name}...</translation>
    </message>
    <message>
        <source>{name} is not reachable: its console comes back when the host is up.</source>
        <translation>{name} n'est pas joignable : sa console reviendra quand l'hôte sera en marche.</translation>
    </message>
    <message>
        <source>the connection to the pool is not logged in</source>
        <translation>la connexion au pool n'est pas authentifiée</translation>
    </message>
    <message>
        <source>certificate refused: {error}</source>
        <translation>certificat refusé : {error}</translation>
    </message>
    <message>
        <source>the console answer has no end of header</source>
        <translation>la réponse de la console n'a pas de fin d'en-tête</translation>
    </message>
    <message>
        <source>the host closed the connection without answering the console request</source>
        <translation>l'hôte a fermé la connexion sans répondre à la demande de console</translation>
    </message>
    <message>
        <source>the console answer is not HTTP: {line!r}</source>
        <translation>la réponse de la console n'est pas du HTTP : {line!r}</translation>
    </message>
    <message>
        <source>the host refused the session for the console (HTTP 401)</source>
        <translation>l'hôte a refusé la session pour la console (HTTP 401)</translation>
    </message>
    <message>
        <source>this user may not open this console (HTTP 403)</source>
        <translation>cet utilisateur ne peut pas ouvrir cette console (HTTP 403)</translation>
    </message>
    <message>
        <source>the host has no such console (HTTP 404)</source>
        <translation>l'hôte n'a pas cette console (HTTP 404)</translation>
    </message>
    <message>
        <source>the console is already in use and the pool allows only one viewer (HTTP 503)</source>
        <translation>la console est déjà utilisée et le pool n'autorise qu'un seul observateur (HTTP 503)</translation>
    </message>
    <message>
        <source>the host could not open the console: the VM may have stopped or moved (HTTP 500)</source>
        <translation>l'hôte n'a pas pu ouvrir la console : la VM s'est peut-être arrêtée ou déplacée (HTTP 500)</translation>
    </message>
    <message>
        <source>the host answered the console request with HTTP {status}</source>
        <translation>l'hôte a répondu à la demande de console par HTTP {status}</translation>
    </message>
    <message>
        <source>connection refused</source>
        <translation>connexion refusée</translation>
    </message>
    <message>
        <source>the connection was reset</source>
        <translation>la connexion a été réinitialisée</translation>
    </message>
    <message>
        <source>no answer within {s:g} s</source>
        <translation>pas de réponse en {s:g} s</translation>
    </message>
    <message>
        <source>TLS failed: {error}</source>
        <translation>échec TLS : {error}</translation>
    </message>
    <message>
        <source>network error: {error}</source>
        <translation>erreur réseau : {error}</translation>
    </message>
    <message>
        <source>the server does not speak RFB (it greeted with {text!r})</source>
        <translation>le serveur ne parle pas RFB (il a salué avec {text!r})</translation>
    </message>
    <message>
        <source>the server speaks RFB {version}, older than 3.3</source>
        <translation>le serveur parle RFB {version}, plus ancien que 3.3</translation>
    </message>
    <message>
        <source>the server announced a desktop name of {n} bytes</source>
        <translation>le serveur a annoncé un nom de bureau de {n} octets</translation>
    </message>
    <message>
        <source>the console asks for a VNC password and none was given</source>
        <translation>la console demande un mot de passe VNC et aucun n'a été donné</translation>
    </message>
    <message>
        <source>wrong password</source>
        <translation>mot de passe incorrect</translation>
    </message>
    <message>
        <source>the server announced a reason of {n} bytes</source>
        <translation>le serveur a annoncé une raison de {n} octets</translation>
    </message>
    <message>
        <source>the console refused the connection: {reason}</source>
        <translation>la console a refusé la connexion : {reason}</translation>
    </message>
    <message>
        <source>the console refused the connection</source>
        <translation>la console a refusé la connexion</translation>
    </message>
    <message>
        <source>the console offers only security types this client does not speak ({names})</source>
        <translation>la console ne propose que des types de sécurité que ce client ne parle pas ({names})</translation>
    </message>
    <message>
        <source>the server sent a {w}x{h} rectangle at {x},{y}, outside its {sw}x{sh} screen</source>
        <translation>le serveur a envoyé un rectangle {w}x{h} en {x},{y}, hors de son écran {sw}x{sh}</translation>
    </message>
    <message>
        <source>the server announced a {w}x{h} screen, which is not a real screen size</source>
        <translation>le serveur a annoncé un écran {w}x{h}, qui n'est pas une vraie taille d'écran</translation>
    </message>
    <message>
        <source>the console connection was closed</source>
        <translation>la connexion à la console a été fermée</translation>
    </message>
    <message>
        <source>the server sent nothing for {s:g} seconds in the middle of a message</source>
        <translation>le serveur n'a rien envoyé pendant {s:g} secondes au milieu d'un message</translation>
    </message>
    <message>
        <source>the server reset the console connection</source>
        <translation>le serveur a réinitialisé la connexion à la console</translation>
    </message>
    <message>
        <source>the console connection failed: {error}</source>
        <translation>la connexion à la console a échoué : {error}</translation>
    </message>
    <message>
        <source>the server closed the console connection</source>
        <translation>le serveur a fermé la connexion à la console</translation>
    </message>
    <message>
        <source>no whole screen came within {s:g} seconds</source>
        <translation>aucun écran complet n'est arrivé en {s:g} secondes</translation>
    </message>
    <message>
        <source>the console ended before showing a screen</source>
        <translation>la console s'est terminée avant d'afficher un écran</translation>
    </message>
    <message>
        <source>the server sent a malformed message ({error})</source>
        <translation>le serveur a envoyé un message malformé ({error})</translation>
    </message>
    <message>
        <source>the console failed: {error}</source>
        <translation>la console a échoué : {error}</translation>
    </message>
    <message>
        <source>the server sent {n} bytes of clipboard text</source>
        <translation>le serveur a envoyé {n} octets de texte de presse-papiers</translation>
    </message>
    <message>
        <source>the server sent the unknown message type {kind}</source>
        <translation>le serveur a envoyé le type de message inconnu {kind}</translation>
    </message>
    <message>
        <source>the server sent a rectangle in encoding {n}, which was not asked for</source>
        <translation>le serveur a envoyé un rectangle dans l'encodage {n}, qui n'était pas demandé</translation>
    </message>
    <message>
        <source>the server sent the pseudo-encoding {n}, which was not asked for</source>
        <translation>le serveur a envoyé le pseudo-encodage {n}, qui n'était pas demandé</translation>
    </message>
    <message>
        <source>the server asked to copy pixels from outside its screen</source>
        <translation>le serveur a demandé de copier des pixels hors de son écran</translation>
    </message>
    <message>
        <source>a Tight rectangle has the unknown compression type {kind}</source>
        <translation>un rectangle Tight a le type de compression inconnu {kind}</translation>
    </message>
    <message>
        <source>a Tight palette index lies past its {n} colours</source>
        <translation>un index de palette Tight dépasse ses {n} couleurs</translation>
    </message>
    <message>
        <source>a Tight rectangle uses the unknown filter {id}</source>
        <translation>un rectangle Tight utilise le filtre inconnu {id}</translation>
    </message>
    <message>
        <source>the Tight data does not inflate: {error}</source>
        <translation>les données Tight ne se décompressent pas : {error}</translation>
    </message>
    <message>
        <source>Tight data inflates to {got} bytes where {want} were due</source>
        <translation>les données Tight se décompressent en {got} octets au lieu de {want}</translation>
    </message>
    <message>
        <source>a {jw}x{jh} JPEG came for a {w}x{h} rectangle</source>
        <translation>un JPEG {jw}x{jh} est arrivé pour un rectangle {w}x{h}</translation>
    </message>
    <message>
        <source>a Tight JPEG does not decode: {error}</source>
        <translation>un JPEG Tight ne se décode pas : {error}</translation>
    </message>
    <message>
        <source>the server sent a {w}x{h} pointer shape</source>
        <translation>le serveur a envoyé une forme de pointeur {w}x{h}</translation>
    </message>
    <message>
        <source>a Hextile tile has unknown flags {flags:#x}</source>
        <translation>une tuile Hextile a des drapeaux inconnus {flags:#x}</translation>
    </message>
    <message>
        <source>a ZRLE rectangle announced {n} bytes of data</source>
        <translation>un rectangle ZRLE a annoncé {n} octets de données</translation>
    </message>
    <message>
        <source>the ZRLE data does not inflate: {error}</source>
        <translation>les données ZRLE ne se décompressent pas : {error}</translation>
    </message>
    <message>
        <source>the ZRLE data inflates to more than its rectangle can hold</source>
        <translation>les données ZRLE se décompressent en plus que leur rectangle ne peut contenir</translation>
    </message>
    <message>
        <source>a ZRLE tile is cut short or malformed ({error})</source>
        <translation>une tuile ZRLE est tronquée ou malformée ({error})</translation>
    </message>
    <message>
        <source>This console is open in its own window.</source>
        <translation>Cette console est ouverte dans sa propre fenêtre.</translation>
    </message>
    <message>
        <source>Bring It Back</source>
        <translation>La ramener</translation>
    </message>
    <message>
        <source>{name} - Console</source>
        <translation>{name} - Console</translation>
    </message>
    <message>
        <source>Dock</source>
        <translation>Ancrer</translation>
    </message>
    <message>
        <source>Full Screen</source>
        <translation>Plein écran</translation>
    </message>
    <message>
        <source>Exit Full Screen</source>
        <translation>Quitter le plein écran</translation>
    </message>
    <message>
        <source>Undock</source>
        <translation>Détacher</translation>
    </message>
    <message>
        <source>the console could not be opened: {error}</source>
        <translation>la console n'a pas pu être ouverte : {error}</translation>
    </message>
    <message>
        <source>Send Ctrl+Alt+Del</source>
        <translation>Envoyer Ctrl+Alt+Suppr</translation>
    </message>
    <message>
        <source>Type Clipboard</source>
        <translation>Taper le presse-papiers</translation>
    </message>
    <message>
        <source>Type the clipboard's text into the guest, key by key</source>
        <translation>Taper le texte du presse-papiers dans l'invité, touche par touche</translation>
    </message>
    <message>
        <source>Scale to Fit</source>
        <translation>Adapter à la fenêtre</translation>
    </message>
    <message>
        <source>Keyboard captured: press Ctrl+Alt to release it</source>
        <translation>Clavier capturé : appuyez sur Ctrl+Alt pour le libérer</translation>
    </message>
    <message>
        <source>The connection to the pool is closed.</source>
        <translation>La connexion au pool est fermée.</translation>
    </message>
    <message>
        <source>{name} started.</source>
        <translation>{name} a démarré.</translation>
    </message>
    <message>
        <source>{name} resumed.</source>
        <translation>{name} a repris.</translation>
    </message>
    <message>
        <source>{name} moved to {host}.</source>
        <translation>{name} a été déplacée vers {host}.</translation>
    </message>
    <message>
        <source>{name} restarted.</source>
        <translation>{name} a redémarré.</translation>
    </message>
    <message>
        <source>The console of {name} changed.</source>
        <translation>La console de {name} a changé.</translation>
    </message>
    <message>
        <source>Connecting to the console on {host}...</source>
        <translation>Connexion à la console sur {host}...</translation>
    </message>
    <message>
        <source>Connected to the console of {name} (RFB {version}, {w}x{h}).</source>
        <translation>Connecté à la console de {name} (RFB {version}, {w}x{h}).</translation>
    </message>
    <message>
        <source>The guest's screen is now {w}x{h}.</source>
        <translation>L'écran de l'invité est maintenant de {w}x{h}.</translation>
    </message>
    <message>
        <source>The console closed: {reason}. Trying again in {s:g} s.</source>
        <translation>La console s'est fermée : {reason}. Nouvel essai dans {s:g} s.</translation>
    </message>
    <message>
        <source>Typed {n} characters.</source>
        <translation>{n} caractères tapés.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Démarrer</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
</context><context>
    <name>Dashboard</name>
    <message>
        <source>Show CPU and &amp;Memory Bars</source>
        <translation>Afficher les barres CPU et &amp;mémoire</translation>
    </message>
    <message>
        <source>Dashboard of All Pools</source>
        <translation>Tableau de bord de tous les pools</translation>
    </message>
    <message>
        <source>Metrics are not available here.</source>
        <translation>Les métriques ne sont pas disponibles ici.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Servers&lt;/b&gt;</source>
        <translation>&lt;b&gt;Serveurs&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Busiest VMs&lt;/b&gt;</source>
        <translation>&lt;b&gt;VM les plus chargées&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Loading the servers' and VMs' load…</source>
        <translation>Chargement de la charge des serveurs et des VM…</translation>
    </message>
    <message>
        <source>Dashboard: all pools</source>
        <translation>Tableau de bord : tous les pools</translation>
    </message>
    <message>
        <source>CPU {cpu}, memory {memory}</source>
        <translation>CPU {cpu}, mémoire {memory}</translation>
    </message>
</context><context>
    <name>Deadline</name>
    <message>
        <source>{what} did not finish within {seconds:g} s</source>
        <translation>{what} ne s'est pas terminé en {seconds:g} s</translation>
    </message>
</context><context>
    <name>Dialogs</name>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
</context><context>
    <name>Display</name>
    <message>
        <source>the display {display} does not answer: start xapiman from a running desktop session, or run it as `xvfb-run xapiman`.</source>
        <translation>l'affichage {display} ne répond pas : lancez xapiman depuis une session de bureau active, ou exécutez-le avec `xvfb-run xapiman`.</translation>
    </message>
    <message>
        <source>no display (DISPLAY and WAYLAND_DISPLAY are not set): start xapiman from a desktop session, over `ssh -X`, or as `xvfb-run xapiman`; `--screenshot FILE.png` works without one.</source>
        <translation>pas d'affichage (DISPLAY et WAYLAND_DISPLAY ne sont pas définis) : lancez xapiman depuis une session de bureau, par `ssh -X`, ou avec `xvfb-run xapiman` ; `--screenshot FICHIER.png` fonctionne sans.</translation>
    </message>
</context><context>
    <name>Endpoint</name>
    <message>
        <source>expected an address without a scheme</source>
        <translation>adresse attendue sans schéma</translation>
    </message>
    <message>
        <source>the address must not contain a user name or password: give the user separately, and the password where it is asked for (a password in an address ends up in shell histories and process lists)</source>
        <translation>l'adresse ne doit contenir ni nom d'utilisateur ni mot de passe : donnez l'utilisateur à part, et le mot de passe là où il est demandé (un mot de passe dans une adresse finit dans les historiques du shell et les listes de processus)</translation>
    </message>
    <message>
        <source>the address is empty</source>
        <translation>l'adresse est vide</translation>
    </message>
    <message>
        <source>an IPv6 address in brackets needs the closing ']'</source>
        <translation>une adresse IPv6 entre crochets a besoin du ']' fermant</translation>
    </message>
    <message>
        <source>only http:// and https:// addresses are supported</source>
        <translation>seules les adresses http:// et https:// sont prises en charge</translation>
    </message>
    <message>
        <source>the address must not have a path, query or fragment</source>
        <translation>l'adresse ne doit pas avoir de chemin, de requête ni de fragment</translation>
    </message>
    <message>
        <source>expected ':port' after the closing ']'</source>
        <translation>':port' attendu après le ']' fermant</translation>
    </message>
    <message>
        <source>the port must be a number from 1 to 65535</source>
        <translation>le port doit être un nombre de 1 à 65535</translation>
    </message>
    <message>
        <source>{host!r} is not a valid IPv6 address</source>
        <translation>{host!r} n'est pas une adresse IPv6 valide</translation>
    </message>
    <message>
        <source>the host name is missing</source>
        <translation>le nom d'hôte manque</translation>
    </message>
    <message>
        <source>{host!r} is not a valid host name or IP address</source>
        <translation>{host!r} n'est pas un nom d'hôte ni une adresse IP valide</translation>
    </message>
</context><context>
    <name>Errors</name>
    <message>
        <source>the server announced an answer of {size} bytes</source>
        <translation>le serveur a annoncé une réponse de {size} octets</translation>
    </message>
    <message>
        <source>the server's answer grew past the limit</source>
        <translation>la réponse du serveur a dépassé la limite</translation>
    </message>
    <message>
        <source>{said}; answers are limited to {limit} bytes (raise the limit only for a pool this large)</source>
        <translation>{said} ; les réponses sont limitées à {limit} octets (augmentez la limite seulement pour un pool aussi grand)</translation>
    </message>
    <message>
        <source>{cause}; {method} may or may not have been applied on the server: check before trying again</source>
        <translation>{cause} ; {method} a peut-être été appliqué sur le serveur, ou non : vérifiez avant de réessayer</translation>
    </message>
</context><context>
    <name>HA</name>
    <message>
        <source>Restart priorities</source>
        <translation>Priorités de redémarrage</translation>
    </message>
    <message>
        <source>VM</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Redémarrage</translation>
    </message>
    <message>
        <source>Start order</source>
        <translation>Ordre de démarrage</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Activée</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Désactivée</translation>
    </message>
    <message>
        <source>High availability</source>
        <translation>Haute disponibilité</translation>
    </message>
    <message>
        <source>Heartbeat SR</source>
        <translation>SR de pulsation</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Inconnu</translation>
    </message>
    <message>
        <source>Server failures tolerated</source>
        <translation>Pannes de serveur tolérées</translation>
    </message>
    <message>
        <source>Plan covers</source>
        <translation>Le plan couvre</translation>
    </message>
    <message>
        <source>{n} failure(s)</source>
        <translation>{n} panne(s)</translation>
    </message>
    <message>
        <source>Overcommitted</source>
        <translation>Surengagé</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Oui</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Non</translation>
    </message>
    <message>
        <source>Heartbeat timeout</source>
        <translation>Délai de pulsation</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <source>Failover</source>
        <translation>Basculement</translation>
    </message>
    <message>
        <source>Servers</source>
        <translation>Serveurs</translation>
    </message>
    <message>
        <source>{n} of {total} reachable; not reachable: {names}</source>
        <translation>{n} sur {total} joignables ; injoignables : {names}</translation>
    </message>
    <message>
        <source>All {n} reachable</source>
        <translation>Tous les {n} joignables</translation>
    </message>
    <message>
        <source>Select VMs in the list (or use a VM's menu).</source>
        <translation>Sélectionnez des VM dans la liste (ou utilisez le menu d'une VM).</translation>
    </message>
    <message>
        <source>Restart if possible</source>
        <translation>Redémarrer si possible</translation>
    </message>
    <message>
        <source>Do not restart</source>
        <translation>Ne pas redémarrer</translation>
    </message>
    <message>
        <source>High availability is off: VMs are not restarted when a server fails.</source>
        <translation>La haute disponibilité est désactivée : les VM ne sont pas redémarrées quand un serveur tombe en panne.</translation>
    </message>
    <message>
        <source>Overcommitted: the pool can restart its protected VMs after {covers} server failure(s), not the {tolerated} it is set to tolerate.</source>
        <translation>Surengagé : le pool peut redémarrer ses VM protégées après {covers} panne(s) de serveur, pas les {tolerated} qu'il doit tolérer.</translation>
    </message>
    <message>
        <source>The pool can lose {n} server(s) at once: its protected VMs restart on the others.</source>
        <translation>Le pool peut perdre {n} serveur(s) à la fois : ses VM protégées redémarrent sur les autres.</translation>
    </message>
    <message>
        <source>not shared: every server must see it</source>
        <translation>non partagé : chaque serveur doit le voir</translation>
    </message>
    <message>
        <source>{type} storage cannot hold the heartbeat</source>
        <translation>un stockage {type} ne peut pas contenir la pulsation</translation>
    </message>
    <message>
        <source>not attached on {hosts}</source>
        <translation>non attaché sur {hosts}</translation>
    </message>
    <message>
        <source>Server '{name}' is not reachable.</source>
        <translation>Le serveur « {name} » n'est pas joignable.</translation>
    </message>
    <message>
        <source>Server failures to tolerate</source>
        <translation>Pannes de serveur à tolérer</translation>
    </message>
    <message>
        <source>The number of failures to tolerate must be a whole number.</source>
        <translation>Le nombre de pannes à tolérer doit être un nombre entier.</translation>
    </message>
    <message>
        <source>The pool can restart its protected VMs after at most {most} server failure(s), so it cannot tolerate {n}. Protect fewer VMs or free memory.</source>
        <translation>Le pool peut redémarrer ses VM protégées après au plus {most} panne(s) de serveur, il ne peut donc pas en tolérer {n}. Protégez moins de VM ou libérez de la mémoire.</translation>
    </message>
    <message>
        <source>High availability is already on.</source>
        <translation>La haute disponibilité est déjà activée.</translation>
    </message>
    <message>
        <source>High availability is off.</source>
        <translation>La haute disponibilité est désactivée.</translation>
    </message>
    <message>
        <source>No SR can hold the heartbeat: it needs shared storage every server sees.</source>
        <translation>Aucun SR ne peut contenir la pulsation : elle nécessite un stockage partagé que chaque serveur voit.</translation>
    </message>
    <message>
        <source>Turn On High Availability</source>
        <translation>Activer la haute disponibilité</translation>
    </message>
    <message>
        <source>Servers watch each other through a heartbeat on shared storage; when one fails, its protected VMs restart on the others. With its VMs as they are, the pool can lose at most {n} server(s) at once.</source>
        <translation>Les serveurs se surveillent par une pulsation sur un stockage partagé ; quand l'un tombe en panne, ses VM protégées redémarrent sur les autres. Avec ses VM telles qu'elles sont, le pool peut perdre au plus {n} serveur(s) à la fois.</translation>
    </message>
    <message>
        <source>Turn On</source>
        <translation>Activer</translation>
    </message>
    <message>
        <source>it does not exist</source>
        <translation>il n'existe pas</translation>
    </message>
    <message>
        <source>The heartbeat cannot go on '{sr}': {why}.</source>
        <translation>La pulsation ne peut pas aller sur « {sr} » : {why}.</translation>
    </message>
    <message>
        <source>Turn on high availability in '{pool}'</source>
        <translation>Activer la haute disponibilité dans « {pool} »</translation>
    </message>
    <message>
        <source>Turn Off High Availability</source>
        <translation>Désactiver la haute disponibilité</translation>
    </message>
    <message>
        <source>Turn off high availability in '{pool}'? When a server fails afterwards, its VMs stay down until someone starts them.</source>
        <translation>Désactiver la haute disponibilité dans « {pool} » ? Quand un serveur tombera en panne ensuite, ses VM resteront arrêtées jusqu'à ce que quelqu'un les démarre.</translation>
    </message>
    <message>
        <source>Turn Off</source>
        <translation>Désactiver</translation>
    </message>
    <message>
        <source>Turn off high availability in '{pool}'</source>
        <translation>Désactiver la haute disponibilité dans « {pool} »</translation>
    </message>
    <message>
        <source>With its VMs as they are, the pool can lose at most {n} server(s) at once and still restart its protected VMs.</source>
        <translation>Avec ses VM telles qu'elles sont, le pool peut perdre au plus {n} serveur(s) à la fois et redémarrer quand même ses VM protégées.</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Appliquer</translation>
    </message>
    <message>
        <source>High Availability Restart</source>
        <translation>Redémarrage par la haute disponibilité</translation>
    </message>
    <message>
        <source>When the server running it fails, high availability restarts a protected VM elsewhere, in start order (lowest first).</source>
        <translation>Quand le serveur qui la fait tourner tombe en panne, la haute disponibilité redémarre une VM protégée ailleurs, dans l'ordre de démarrage (le plus bas d'abord).</translation>
    </message>
    <message>
        <source>Unknown restart priority {p!r}.</source>
        <translation>Priorité de redémarrage {p!r} inconnue.</translation>
    </message>
    <message>
        <source>The start order must be a whole number, not {v!r}.</source>
        <translation>L'ordre de démarrage doit être un nombre entier, pas {v!r}.</translation>
    </message>
    <message>
        <source>The start order cannot be negative.</source>
        <translation>L'ordre de démarrage ne peut pas être négatif.</translation>
    </message>
</context><context>
    <name>Host</name>
    <message>
        <source>'{vm}': {reason}</source>
        <translation>« {vm} » : {reason}</translation>
    </message>
    <message>
        <source>'{host}' cannot enter maintenance mode: these VMs cannot leave it. {why}</source>
        <translation>« {host} » ne peut pas passer en mode maintenance : ces VM ne peuvent pas le quitter. {why}</translation>
    </message>
    <message>
        <source>No VM runs on '{host}'.</source>
        <translation>Aucune VM ne tourne sur « {host} ».</translation>
    </message>
    <message>
        <source>'{vm}' moves to {dest}</source>
        <translation>« {vm} » va sur {dest}</translation>
    </message>
    <message>
        <source>'{vm}' has no place to go: {why}</source>
        <translation>« {vm} » n'a nulle part où aller : {why}</translation>
    </message>
</context><context>
    <name>KnownHosts</name>
    <message>
        <source>cannot read {path}: {why}</source>
        <translation>impossible de lire {path} : {why}</translation>
    </message>
    <message>
        <source>cannot save {path}: {why}</source>
        <translation>impossible d'enregistrer {path} : {why}</translation>
    </message>
</context><context>
    <name>Launch</name>
    <message>
        <source>{url} is not a server address: {error}</source>
        <translation>{url} n'est pas une adresse de serveur : {error}</translation>
    </message>
    <message>
        <source>--fingerprint: {error}</source>
        <translation>--fingerprint : {error}</translation>
    </message>
    <message>
        <source>none saved yet</source>
        <translation>aucun enregistré pour l'instant</translation>
    </message>
    <message>
        <source>no connection profile named {name!r} (saved: {names})</source>
        <translation>aucun profil de connexion nommé {name!r} (enregistrés : {names})</translation>
    </message>
    <message>
        <source>no password given for {user} on {address}</source>
        <translation>aucun mot de passe donné pour {user} sur {address}</translation>
    </message>
    <message>
        <source>no password for {user} on {address}: set {env} (nobody can answer a question during a screenshot)</source>
        <translation>aucun mot de passe pour {user} sur {address} : définissez {env} (personne ne peut répondre à une question pendant une capture d'écran)</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>Password of {user} on {address}:</source>
        <translation>Mot de passe de {user} sur {address} :</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>could not connect to {name}: {error}</source>
        <translation>connexion à {name} impossible : {error}</translation>
    </message>
    <message>
        <source>nothing named {name!r} in {pools}</source>
        <translation>rien ne s'appelle {name!r} dans {pools}</translation>
    </message>
    <message>
        <source>the pool</source>
        <translation>le pool</translation>
    </message>
    <message>
        <source>{what} did not appear within {seconds:.0f} seconds</source>
        <translation>{what} n'est pas apparu en {seconds:.0f} secondes</translation>
    </message>
    <message>
        <source>no tab {tab!r} for {name}; its tabs are: {tabs}</source>
        <translation>pas d'onglet {tab!r} pour {name} ; ses onglets sont : {tabs}</translation>
    </message>
</context><context>
    <name>Main</name>
    <message>
        <source>Infrastructure</source>
        <translation>Infrastructure</translation>
    </message>
    <message>
        <source>Objects</source>
        <translation>Objets</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>Dossiers</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <source>Search by name, uuid, tag or IP</source>
        <translation>Rechercher par nom, uuid, étiquette ou IP</translation>
    </message>
    <message>
        <source>Select an object</source>
        <translation>Sélectionnez un objet</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>Show Custom &amp;Templates</source>
        <translation>Afficher les &amp;modèles personnalisés</translation>
    </message>
    <message>
        <source>Show &amp;Default Templates</source>
        <translation>Afficher les modèles par &amp;défaut</translation>
    </message>
    <message>
        <source>Show &amp;Snapshots</source>
        <translation>Afficher les &amp;instantanés</translation>
    </message>
    <message>
        <source>Show &amp;Hidden Objects</source>
        <translation>Afficher les objets &amp;cachés</translation>
    </message>
    <message>
        <source>{name}: connection lost, reconnecting (attempt {attempt})…</source>
        <translation>{name} : connexion perdue, reconnexion (tentative {attempt})…</translation>
    </message>
    <message>
        <source>{name}: connected</source>
        <translation>{name} : connecté</translation>
    </message>
    <message>
        <source>Cancelling {task}…</source>
        <translation>Annulation de {task}…</translation>
    </message>
    <message>
        <source>{task} could not be cancelled: {error}</source>
        <translation>{task} n'a pas pu être annulée : {error}</translation>
    </message>
</context><context>
    <name>MainWindow</name>
    <message>
        <source>{name}: {warning}</source>
        <translation>{name} : {warning}</translation>
    </message>
    <message>
        <source>{name}: disconnected</source>
        <translation>{name} : déconnecté</translation>
    </message>
    <message>
        <source>Something went wrong: {error}</source>
        <translation>Quelque chose s'est mal passé : {error}</translation>
    </message>
</context><context>
    <name>Memory</name>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Unknown (the server does not report it)</source>
        <translation>Inconnue (le serveur ne l'indique pas)</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>Utilisée</translation>
    </message>
    <message>
        <source>{used} of {total} ({percent})</source>
        <translation>{used} sur {total} ({percent})</translation>
    </message>
    <message>
        <source>VMs</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>Control domain</source>
        <translation>Domaine de contrôle</translation>
    </message>
    <message>
        <source>Xen and overhead</source>
        <translation>Xen et surcoût</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Libre</translation>
    </message>
    <message>
        <source>{low} – {high}</source>
        <translation>{low} – {high}</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>Actuelle</translation>
    </message>
    <message>
        <source>Dynamic range</source>
        <translation>Plage dynamique</translation>
    </message>
    <message>
        <source>Static maximum</source>
        <translation>Maximum statique</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>No server reports its memory.</source>
        <translation>Aucun serveur n'indique sa mémoire.</translation>
    </message>
</context><context>
    <name>Menu</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>T&amp;ools</source>
        <translation>&amp;Outils</translation>
    </message>
    <message>
        <source>&amp;Window</source>
        <translation>Fe&amp;nêtre</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ai&amp;de</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Barre d'outils principale</translation>
    </message>
    <message>
        <source>&amp;Notifications</source>
        <translation>&amp;Notifications</translation>
    </message>
    <message>
        <source>&amp;Pool</source>
        <translation>&amp;Pool</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Serveur</translation>
    </message>
    <message>
        <source>V&amp;M</source>
        <translation>V&amp;M</translation>
    </message>
    <message>
        <source>S&amp;torage</source>
        <translation>S&amp;tockage</translation>
    </message>
    <message>
        <source>Te&amp;mplates</source>
        <translation>&amp;Modèles</translation>
    </message>
    <message>
        <source>&amp;Add Server…</source>
        <translation>&amp;Ajouter un serveur…</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>Se &amp;connecter</translation>
    </message>
    <message>
        <source>Connect with Another &amp;Password…</source>
        <translation>Se connecter avec un autre mot de &amp;passe…</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>Se &amp;déconnecter</translation>
    </message>
    <message>
        <source>Re&amp;move from xapiman…</source>
        <translation>Re&amp;tirer de xapiman…</translation>
    </message>
    <message>
        <source>Connect A&amp;ll</source>
        <translation>Tout c&amp;onnecter</translation>
    </message>
    <message>
        <source>Disconnect All</source>
        <translation>Tout déconnecter</translation>
    </message>
    <message>
        <source>Select a server or pool first.</source>
        <translation>Sélectionnez d'abord un serveur ou un pool.</translation>
    </message>
    <message>
        <source>Already connected.</source>
        <translation>Déjà connecté.</translation>
    </message>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Every server is connected.</source>
        <translation>Tous les serveurs sont connectés.</translation>
    </message>
    <message>
        <source>No server is connected.</source>
        <translation>Aucun serveur n'est connecté.</translation>
    </message>
    <message>
        <source>&amp;Options…</source>
        <translation>&amp;Options…</translation>
    </message>
    <message>
        <source>&amp;Main Window</source>
        <translation>Fenêtre &amp;principale</translation>
    </message>
    <message>
        <source>Mi&amp;nimize</source>
        <translation>Ré&amp;duire</translation>
    </message>
    <message>
        <source>&amp;Full Screen</source>
        <translation>&amp;Plein écran</translation>
    </message>
    <message>
        <source>&amp;Documentation</source>
        <translation>&amp;Documentation</translation>
    </message>
    <message>
        <source>The documentation is not installed with this copy.</source>
        <translation>La documentation n'est pas installée avec cet exemplaire.</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>&amp;About xapiman</source>
        <translation>À &amp;propos de xapiman</translation>
    </message>
</context><context>
    <name>Metrics</name>
    <message>
        <source>not logged in</source>
        <translation>non authentifié</translation>
    </message>
    <message>
        <source>the host has no address</source>
        <translation>l'hôte n'a pas d'adresse</translation>
    </message>
    <message>
        <source>redirected to another scheme: {url}</source>
        <translation>redirigé vers un autre schéma : {url}</translation>
    </message>
    <message>
        <source>the host does not answer: {error}</source>
        <translation>l'hôte ne répond pas : {error}</translation>
    </message>
</context><context>
    <name>Migrate</name>
    <message>
        <source>{sr} — stays here</source>
        <translation>{sr} — reste ici</translation>
    </message>
    <message>
        <source>{sr} ({free} free)</source>
        <translation>{sr} ({free} libres)</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Stockage</translation>
    </message>
    <message>
        <source>Where each disk goes. A disk on storage the destination server sees can stay; others must move.</source>
        <translation>Où va chaque disque. Un disque sur un stockage que le serveur de destination voit peut rester ; les autres doivent être déplacés.</translation>
    </message>
    <message>
        <source>Put every disk on:</source>
        <translation>Mettre tous les disques sur :</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Appliquer</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>Disque</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Now on</source>
        <translation>Actuellement sur</translation>
    </message>
    <message>
        <source>Goes to</source>
        <translation>Va sur</translation>
    </message>
    <message>
        <source>Networking</source>
        <translation>Réseau</translation>
    </message>
    <message>
        <source>The network each interface joins at the destination.</source>
        <translation>Le réseau que chaque interface rejoint à destination.</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>Interface</translation>
    </message>
    <message>
        <source>MAC</source>
        <translation>MAC</translation>
    </message>
    <message>
        <source>Joins</source>
        <translation>Rejoint</translation>
    </message>
    <message>
        <source>Inside a pool, interfaces keep their networks.</source>
        <translation>Au sein d'un pool, les interfaces gardent leurs réseaux.</translation>
    </message>
    <message>
        <source>Interface {device}</source>
        <translation>Interface {device}</translation>
    </message>
    <message>
        <source>Ready to migrate</source>
        <translation>Prêt à migrer</translation>
    </message>
    <message>
        <source>The servers are asked whether the move would work; Migrate moves each VM as a task of its own.</source>
        <translation>On demande aux serveurs si le déplacement fonctionnerait ; Migrer déplace chaque VM dans une tâche à part.</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>Vérifier de nouveau</translation>
    </message>
    <message>
        <source>Asking the servers whether the move would work…</source>
        <translation>Question aux serveurs : le déplacement fonctionnerait-il ?…</translation>
    </message>
    <message>
        <source>The servers could not be asked: {why}</source>
        <translation>Les serveurs n'ont pas pu être interrogés : {why}</translation>
    </message>
    <message>
        <source>✓ The servers accept the move.</source>
        <translation>✓ Les serveurs acceptent le déplacement.</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>Destination</translation>
    </message>
    <message>
        <source>The pool and the server the VMs go to. Servers that cannot take them say why.</source>
        <translation>Le pool et le serveur où vont les VM. Les serveurs qui ne peuvent pas les prendre disent pourquoi.</translation>
    </message>
    <message>
        <source>Pool:</source>
        <translation>Pool :</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>Free memory</source>
        <translation>Mémoire libre</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Verdict</translation>
    </message>
    <message>
        <source>Move running VMs live (they keep running while they move)</source>
        <translation>Déplacer les VM en marche à chaud (elles continuent de tourner pendant le déplacement)</translation>
    </message>
    <message>
        <source>{pool} (this pool)</source>
        <translation>{pool} (ce pool)</translation>
    </message>
    <message>
        <source>Migrate '{vm}'</source>
        <translation>Migrer « {vm} »</translation>
    </message>
    <message>
        <source>Migrate {n} VMs</source>
        <translation>Migrer {n} VM</translation>
    </message>
    <message>
        <source>Migrate</source>
        <translation>Migrer</translation>
    </message>
    <message>
        <source>this pool</source>
        <translation>ce pool</translation>
    </message>
    <message>
        <source>The VM is already on this server.</source>
        <translation>La VM est déjà sur ce serveur.</translation>
    </message>
    <message>
        <source>The server reaches no storage the disks could go to.</source>
        <translation>Le serveur n'atteint aucun stockage où les disques pourraient aller.</translation>
    </message>
    <message>
        <source>There is no VM to move.</source>
        <translation>Il n'y a aucune VM à déplacer.</translation>
    </message>
    <message>
        <source>A VM to move no longer exists.</source>
        <translation>Une VM à déplacer n'existe plus.</translation>
    </message>
    <message>
        <source>'{vm}' cannot move now: {why}</source>
        <translation>« {vm} » ne peut pas être déplacée maintenant : {why}</translation>
    </message>
    <message>
        <source>'{vm}' is not running and its disks stay where they are: nothing would move. Choose another SR for a disk, or another pool.</source>
        <translation>« {vm} » n'est pas en marche et ses disques restent où ils sont : rien ne serait déplacé. Choisissez un autre SR pour un disque, ou un autre pool.</translation>
    </message>
    <message>
        <source>The destination pool is not connected.</source>
        <translation>Le pool de destination n'est pas connecté.</translation>
    </message>
    <message>
        <source>Choose the server the VMs go to.</source>
        <translation>Choisissez le serveur où vont les VM.</translation>
    </message>
    <message>
        <source>{host}: {reason}</source>
        <translation>{host} : {reason}</translation>
    </message>
    <message>
        <source>Running VMs are suspended while they move and resumed afterwards.</source>
        <translation>Les VM en marche sont suspendues pendant leur déplacement et reprises ensuite.</translation>
    </message>
    <message>
        <source>'{disk}' of '{vm}'</source>
        <translation>« {disk} » de « {vm} »</translation>
    </message>
    <message>
        <source>Choose an SR for the disk {disk}.</source>
        <translation>Choisissez un SR pour le disque {disk}.</translation>
    </message>
    <message>
        <source>'{sr}' does not hold VM disks.</source>
        <translation>« {sr} » ne contient pas de disques de VM.</translation>
    </message>
    <message>
        <source>{host} cannot reach '{sr}', chosen for the disk {disk}.</source>
        <translation>{host} ne peut pas atteindre « {sr} », choisi pour le disque {disk}.</translation>
    </message>
    <message>
        <source>The disk {disk} is on '{sr}', whose type ({type}) cannot send disks while they are in use.</source>
        <translation>Le disque {disk} est sur « {sr} », dont le type ({type}) ne peut pas envoyer de disques en cours d'utilisation.</translation>
    </message>
    <message>
        <source>'{sr}' ({type}) cannot receive a disk being moved.</source>
        <translation>« {sr} » ({type}) ne peut pas recevoir un disque en cours de déplacement.</translation>
    </message>
    <message>
        <source>'{sr}' has {free} free; the disks moving there need {need}.</source>
        <translation>« {sr} » a {free} libres ; les disques qui y vont nécessitent {need}.</translation>
    </message>
    <message>
        <source>Choose a network for interface {device} of '{vm}'.</source>
        <translation>Choisissez un réseau pour l'interface {device} de « {vm} ».</translation>
    </message>
    <message>
        <source>{host} is not connected to the network '{network}' of interface {device} of '{vm}'.</source>
        <translation>{host} n'est pas connecté au réseau « {network} » de l'interface {device} de « {vm} ».</translation>
    </message>
    <message>
        <source>VMs</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>{host} in pool {pool}</source>
        <translation>{host} dans le pool {pool}</translation>
    </message>
    <message>
        <source>live migration within the pool</source>
        <translation>migration à chaud au sein du pool</translation>
    </message>
    <message>
        <source>migration with its disks</source>
        <translation>migration avec ses disques</translation>
    </message>
    <message>
        <source>migration to another pool</source>
        <translation>migration vers un autre pool</translation>
    </message>
    <message>
        <source>live</source>
        <translation>à chaud</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>pas en marche</translation>
    </message>
    <message>
        <source>suspended while it moves</source>
        <translation>suspendue pendant le déplacement</translation>
    </message>
    <message>
        <source>{size} on '{old}' → '{new}'</source>
        <translation>{size} sur « {old} » → « {new} »</translation>
    </message>
    <message>
        <source>{size} stays on '{sr}'</source>
        <translation>{size} reste sur « {sr} »</translation>
    </message>
    <message>
        <source>  disk {name}</source>
        <translation>  disque {name}</translation>
    </message>
    <message>
        <source>  interface {device}</source>
        <translation>  interface {device}</translation>
    </message>
    <message>
        <source>'{vm}' cannot move: {why}</source>
        <translation>« {vm} » ne peut pas être déplacée : {why}</translation>
    </message>
    <message>
        <source>{host} cannot reach the storage '{sr}' it would use.</source>
        <translation>{host} ne peut pas atteindre le stockage « {sr} » qu'il utiliserait.</translation>
    </message>
    <message>
        <source>{host} is not connected to its network '{network}'.</source>
        <translation>{host} n'est pas connecté à son réseau « {network} ».</translation>
    </message>
    <message>
        <source>the storage '{sr}' cannot take part in moving a disk (it lacks {features}).</source>
        <translation>le stockage « {sr} » ne peut pas participer au déplacement d'un disque (il lui manque {features}).</translation>
    </message>
    <message>
        <source>{host} has not enough free memory. {sentence}</source>
        <translation>{host} n'a pas assez de mémoire libre. {sentence}</translation>
    </message>
    <message>
        <source>{host} is in maintenance mode.</source>
        <translation>{host} est en mode maintenance.</translation>
    </message>
    <message>
        <source>There is no other server to move it to: connect another pool to move it there.</source>
        <translation>Il n'y a aucun autre serveur vers lequel la déplacer : connectez un autre pool pour l'y déplacer.</translation>
    </message>
    <message>
        <source>No other server can take it ({why}).</source>
        <translation>Aucun autre serveur ne peut la prendre ({why}).</translation>
    </message>
    <message>
        <source>Nothing to migrate.</source>
        <translation>Rien à migrer.</translation>
    </message>
    <message>
        <source>Migrate '{vm}' to {host}</source>
        <translation>Migrer « {vm} » vers {host}</translation>
    </message>
    <message>
        <source>Waiting for other disk moves to finish</source>
        <translation>En attente de la fin d'autres déplacements de disques</translation>
    </message>
    <message>
        <source>Checking that '{vm}' can move to {host}</source>
        <translation>Vérification que « {vm} » peut aller sur {host}</translation>
    </message>
    <message>
        <source>'{vm}' was not moved: {why}</source>
        <translation>« {vm} » n'a pas été déplacée : {why}</translation>
    </message>
    <message>
        <source>Moving '{vm}' to {host}</source>
        <translation>Déplacement de « {vm} » vers {host}</translation>
    </message>
    <message>
        <source>Cancelled: '{vm}' stays where it was.</source>
        <translation>Annulé : « {vm} » reste où elle était.</translation>
    </message>
    <message>
        <source>The connection failed while '{vm}' moved: it may or may not have moved ({why}). Check where it is.</source>
        <translation>La connexion a échoué pendant le déplacement de « {vm} » : elle a peut-être été déplacée, ou non ({why}). Vérifiez où elle est.</translation>
    </message>
    <message>
        <source>'{vm}' moved to {host}</source>
        <translation>« {vm} » déplacée vers {host}</translation>
    </message>
    <message>
        <source>{refusal} Nothing was moved.</source>
        <translation>{refusal} Rien n'a été déplacé.</translation>
    </message>
</context><context>
    <name>Naming</name>
    <message>
        <source>(unknown storage)</source>
        <translation>(stockage inconnu)</translation>
    </message>
    <message>
        <source>(unnamed storage)</source>
        <translation>(stockage sans nom)</translation>
    </message>
    <message>
        <source>{name} ({host})</source>
        <translation>{name} ({host})</translation>
    </message>
    <message>
        <source>{name} ({type})</source>
        <translation>{name} ({type})</translation>
    </message>
</context><context>
    <name>Networking</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>NIC</source>
        <translation>Carte réseau</translation>
    </message>
    <message>
        <source>VLAN</source>
        <translation>VLAN</translation>
    </message>
    <message>
        <source>Auto-add to new VMs</source>
        <translation>Ajout automatique aux nouvelles VM</translation>
    </message>
    <message>
        <source>Link status</source>
        <translation>État du lien</translation>
    </message>
    <message>
        <source>MAC</source>
        <translation>MAC</translation>
    </message>
    <message>
        <source>MTU</source>
        <translation>MTU</translation>
    </message>
    <message>
        <source>Not plugged</source>
        <translation>Non branchée</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Inconnu</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connecté</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Déconnecté</translation>
    </message>
    <message>
        <source>None (internal)</source>
        <translation>Aucune (interne)</translation>
    </message>
    <message>
        <source>This server is on no network.</source>
        <translation>Ce serveur n'est sur aucun réseau.</translation>
    </message>
    <message>
        <source>VMs</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>{nics} on {count} servers</source>
        <translation>{nics} sur {count} serveurs</translation>
    </message>
</context><context>
    <name>NewVm</name>
    <message>
        <source>New VM</source>
        <translation>Nouvelle VM</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Créer</translation>
    </message>
    <message>
        <source>The connection to the pool was lost and is being made again; the VM can be created once it is back.</source>
        <translation>La connexion au pool a été perdue et se rétablit ; la VM pourra être créée quand elle sera revenue.</translation>
    </message>
    <message>
        <source>The connection to the pool is closed: nothing can be created. Connect to the pool again and start over.</source>
        <translation>La connexion au pool est fermée : rien ne peut être créé. Reconnectez-vous au pool et recommencez.</translation>
    </message>
    <message>
        <source>vCPUs and memory</source>
        <translation>vCPU et mémoire</translation>
    </message>
    <message>
        <source>Within what the template recommends.</source>
        <translation>Dans les limites recommandées par le modèle.</translation>
    </message>
    <message>
        <source>Number of vCPUs:</source>
        <translation>Nombre de vCPU :</translation>
    </message>
    <message>
        <source>Topology:</source>
        <translation>Topologie :</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>Mémoire :</translation>
    </message>
    <message>
        <source>The template '{name}' recommends 1 to {vcpus} vCPUs and {low} to {high} of memory.</source>
        <translation>Le modèle « {name} » recommande de 1 à {vcpus} vCPU et de {low} à {high} de mémoire.</translation>
    </message>
    <message>
        <source>{sockets} socket(s) of {cores} core(s)</source>
        <translation>{sockets} socket(s) de {cores} cœur(s)</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Stockage</translation>
    </message>
    <message>
        <source>The template's disks can grow; add or remove disks and choose the SR of each.</source>
        <translation>Les disques du modèle peuvent grandir ; ajoutez ou retirez des disques et choisissez le SR de chacun.</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>Disque</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>SR</source>
        <translation>SR</translation>
    </message>
    <message>
        <source>Add disk</source>
        <translation>Ajouter un disque</translation>
    </message>
    <message>
        <source>Remove disk</source>
        <translation>Retirer le disque</translation>
    </message>
    <message>
        <source>Disk {n} (template)</source>
        <translation>Disque {n} (modèle)</translation>
    </message>
    <message>
        <source>Disk {n} (new)</source>
        <translation>Disque {n} (nouveau)</translation>
    </message>
    <message>
        <source>Networking</source>
        <translation>Réseau</translation>
    </message>
    <message>
        <source>The VM's network interfaces; leave the MAC address empty to have one generated.</source>
        <translation>Les interfaces réseau de la VM ; laissez l'adresse MAC vide pour en faire générer une.</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>Interface</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Réseau</translation>
    </message>
    <message>
        <source>MAC address</source>
        <translation>Adresse MAC</translation>
    </message>
    <message>
        <source>Add interface</source>
        <translation>Ajouter une interface</translation>
    </message>
    <message>
        <source>Remove interface</source>
        <translation>Retirer l'interface</translation>
    </message>
    <message>
        <source>Interface {n}</source>
        <translation>Interface {n}</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automatique</translation>
    </message>
    <message>
        <source>Ready to create</source>
        <translation>Prêt à créer</translation>
    </message>
    <message>
        <source>Check the settings; Create makes the VM, with each step shown in the task list.</source>
        <translation>Vérifiez les réglages ; Créer fabrique la VM, chaque étape étant affichée dans la liste des tâches.</translation>
    </message>
    <message>
        <source>Start the new VM now</source>
        <translation>Démarrer la nouvelle VM maintenant</translation>
    </message>
    <message>
        <source>Start the new VMs now</source>
        <translation>Démarrer les nouvelles VM maintenant</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>{vcpus} vCPUs, {memory} of memory, disks: {disks}.</source>
        <translation>{vcpus} vCPU, {memory} de mémoire, disques : {disks}.</translation>
    </message>
    <message>
        <source>Recommended: up to {vcpus} vCPUs, {low} to {high} of memory, up to {vifs} network interfaces.</source>
        <translation>Recommandé : jusqu'à {vcpus} vCPU, de {low} à {high} de mémoire, jusqu'à {vifs} interfaces réseau.</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>The operating system and settings the new VM starts from.</source>
        <translation>Le système d'exploitation et les réglages dont part la nouvelle VM.</translation>
    </message>
    <message>
        <source>Search templates</source>
        <translation>Rechercher des modèles</translation>
    </message>
    <message>
        <source>Default templates</source>
        <translation>Modèles par défaut</translation>
    </message>
    <message>
        <source>Custom templates</source>
        <translation>Modèles personnalisés</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>What the new VM is called; several VMs at once share a name pattern.</source>
        <translation>Le nom de la nouvelle VM ; plusieurs VM à la fois partagent un modèle de nom.</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Description :</translation>
    </message>
    <message>
        <source>Number of VMs:</source>
        <translation>Nombre de VM :</translation>
    </message>
    <message>
        <source>With more than one VM, {n} in the name is replaced by 1, 2, 3 … (for example web-{n}); without it, -1, -2 … is added.</source>
        <translation>Avec plus d'une VM, {n} dans le nom est remplacé par 1, 2, 3 … (par exemple web-{n}) ; sans lui, -1, -2 … est ajouté.</translation>
    </message>
    <message>
        <source>Names: {names}</source>
        <translation>Noms : {names}</translation>
    </message>
    <message>
        <source>Installation media</source>
        <translation>Support d'installation</translation>
    </message>
    <message>
        <source>Where the operating system is installed from.</source>
        <translation>D'où le système d'exploitation est installé.</translation>
    </message>
    <message>
        <source>ISO image:</source>
        <translation>Image ISO :</translation>
    </message>
    <message>
        <source>DVD drive of a server:</source>
        <translation>Lecteur de DVD d'un serveur :</translation>
    </message>
    <message>
        <source>Install from a network repository:</source>
        <translation>Installer depuis un dépôt réseau :</translation>
    </message>
    <message>
        <source>Boot from the network (PXE)</source>
        <translation>Démarrer depuis le réseau (PXE)</translation>
    </message>
    <message>
        <source>No installation media (boot from the disks)</source>
        <translation>Aucun support d'installation (démarrer depuis les disques)</translation>
    </message>
    <message>
        <source>No ISO library has images.</source>
        <translation>Aucune bibliothèque ISO n'a d'images.</translation>
    </message>
    <message>
        <source>No server has a DVD drive.</source>
        <translation>Aucun serveur n'a de lecteur de DVD.</translation>
    </message>
    <message>
        <source>This template installs only from a disc.</source>
        <translation>Ce modèle ne s'installe que depuis un disque optique.</translation>
    </message>
    <message>
        <source>This template cannot boot from the network.</source>
        <translation>Ce modèle ne peut pas démarrer depuis le réseau.</translation>
    </message>
    <message>
        <source>The template has an operating system installed; no media is needed.</source>
        <translation>Le modèle a un système d'exploitation installé ; aucun support n'est nécessaire.</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Verdict</translation>
    </message>
    <message>
        <source>Memory left</source>
        <translation>Mémoire restante</translation>
    </message>
    <message>
        <source>vCPUs / CPUs</source>
        <translation>vCPU / CPU</translation>
    </message>
    <message>
        <source>CPU load</source>
        <translation>Charge CPU</translation>
    </message>
    <message>
        <source>Why not</source>
        <translation>Pourquoi pas</translation>
    </message>
    <message>
        <source>Recommended</source>
        <translation>Recommandé</translation>
    </message>
    <message>
        <source>Suitable</source>
        <translation>Convenable</translation>
    </message>
    <message>
        <source>Not suitable</source>
        <translation>Inadapté</translation>
    </message>
    <message>
        <source>Home server</source>
        <translation>Serveur d'attache</translation>
    </message>
    <message>
        <source>The server the VM prefers to run on; automatic placement picks the best one and says why.</source>
        <translation>Le serveur sur lequel la VM préfère tourner ; le placement automatique choisit le meilleur et dit pourquoi.</translation>
    </message>
    <message>
        <source>Place the VM automatically</source>
        <translation>Placer la VM automatiquement</translation>
    </message>
    <message>
        <source>Use this home server:</source>
        <translation>Utiliser ce serveur d'attache :</translation>
    </message>
    <message>
        <source>No server can run the VM now.</source>
        <translation>Aucun serveur ne peut faire tourner la VM maintenant.</translation>
    </message>
    <message>
        <source>Recommended now: {host} — {why}.</source>
        <translation>Recommandé maintenant : {host} — {why}.</translation>
    </message>
    <message>
        <source>Starting '{name}'</source>
        <translation>Démarrage de « {name} »</translation>
    </message>
    <message>
        <source>the start was cancelled</source>
        <translation>le démarrage a été annulé</translation>
    </message>
    <message>
        <source>'{name}' was created but not started: {why} It is kept, shut down.</source>
        <translation>« {name} » a été créée mais pas démarrée : {why} Elle est conservée, arrêtée.</translation>
    </message>
    <message>
        <source>the VM '{name}'</source>
        <translation>la VM « {name} »</translation>
    </message>
    <message>
        <source>Created and started '{name}' on {host}</source>
        <translation>« {name} » créée et démarrée sur {host}</translation>
    </message>
    <message>
        <source>Created and started '{name}'</source>
        <translation>« {name} » créée et démarrée</translation>
    </message>
    <message>
        <source>Created '{name}'</source>
        <translation>« {name} » créée</translation>
    </message>
    <message>
        <source>Copying the template '{template}' to the new SR</source>
        <translation>Copie du modèle « {template} » vers le nouveau SR</translation>
    </message>
    <message>
        <source>Cloning the template '{template}'</source>
        <translation>Clonage du modèle « {template} »</translation>
    </message>
    <message>
        <source>Naming '{name}' and setting its disks</source>
        <translation>Nommage de « {name} » et réglage de ses disques</translation>
    </message>
    <message>
        <source>Setting memory ({memory}) and vCPUs ({vcpus})</source>
        <translation>Réglage de la mémoire ({memory}) et des vCPU ({vcpus})</translation>
    </message>
    <message>
        <source>Provisioning the disks of '{name}'</source>
        <translation>Provisionnement des disques de « {name} »</translation>
    </message>
    <message>
        <source>Sizing and adding disks</source>
        <translation>Dimensionnement et ajout des disques</translation>
    </message>
    <message>
        <source>Making the network interfaces</source>
        <translation>Création des interfaces réseau</translation>
    </message>
    <message>
        <source>Setting the installation media</source>
        <translation>Réglage du support d'installation</translation>
    </message>
    <message>
        <source>Setting the home server</source>
        <translation>Réglage du serveur d'attache</translation>
    </message>
    <message>
        <source>{vm} disk {n}</source>
        <translation>{vm} disque {n}</translation>
    </message>
    <message>
        <source>Created with the VM</source>
        <translation>Créé avec la VM</translation>
    </message>
    <message>
        <source>disk {n}</source>
        <translation>disque {n}</translation>
    </message>
    <message>
        <source>disk {device}</source>
        <translation>disque {device}</translation>
    </message>
    <message>
        <source>Removing what was made for '{name}'</source>
        <translation>Suppression de ce qui a été créé pour « {name} »</translation>
    </message>
    <message>
        <source>the VM '{name}' ({why})</source>
        <translation>la VM « {name} » ({why})</translation>
    </message>
    <message>
        <source>{disk} of '{name}' ({why})</source>
        <translation>{disk} de « {name} » ({why})</translation>
    </message>
    <message>
        <source>Creating '{name}' was cancelled at: {step}.</source>
        <translation>La création de « {name} » a été annulée à l'étape : {step}.</translation>
    </message>
    <message>
        <source>Creating '{name}' failed at: {step}. {why}</source>
        <translation>La création de « {name} » a échoué à l'étape : {step}. {why}</translation>
    </message>
    <message>
        <source>Left on the server: {left}.</source>
        <translation>Reste sur le serveur : {left}.</translation>
    </message>
    <message>
        <source>Everything made for it was removed.</source>
        <translation>Tout ce qui avait été créé pour elle a été supprimé.</translation>
    </message>
    <message>
        <source>{ok} of {total} VMs created</source>
        <translation>{ok} VM créées sur {total}</translation>
    </message>
    <message>
        <source>{n} failed: {first}</source>
        <translation>{n} en échec : {first}</translation>
    </message>
    <message>
        <source>{n} cancelled</source>
        <translation>{n} annulées</translation>
    </message>
    <message>
        <source>Waiting for its turn</source>
        <translation>En attente de son tour</translation>
    </message>
    <message>
        <source>New VM '{name}'</source>
        <translation>Nouvelle VM « {name} »</translation>
    </message>
    <message>
        <source>New VMs {first} … {last} from '{template}'</source>
        <translation>Nouvelles VM {first} … {last} depuis « {template} »</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>partagé</translation>
    </message>
    <message>
        <source>local to {host}</source>
        <translation>local à {host}</translation>
    </message>
    <message>
        <source>The SR is not attached to any server.</source>
        <translation>Le SR n'est attaché à aucun serveur.</translation>
    </message>
    <message>
        <source>Not enough space: {free} free.</source>
        <translation>Pas assez d'espace : {free} libres.</translation>
    </message>
    <message>
        <source>{free} free, {where}</source>
        <translation>{free} libres, {where}</translation>
    </message>
    <message>
        <source>DVD drive {drive} on {host}</source>
        <translation>Lecteur de DVD {drive} sur {host}</translation>
    </message>
    <message>
        <source>Choose a template.</source>
        <translation>Choisissez un modèle.</translation>
    </message>
    <message>
        <source>The name may not be empty.</source>
        <translation>Le nom ne peut pas être vide.</translation>
    </message>
    <message>
        <source>Create between 1 and {max} VMs at once.</source>
        <translation>Créez entre 1 et {max} VM à la fois.</translation>
    </message>
    <message>
        <source>The name pattern gives the same name twice.</source>
        <translation>Le modèle de nom donne deux fois le même nom.</translation>
    </message>
    <message>
        <source>Unknown installation method '{kind}'.</source>
        <translation>Méthode d'installation « {kind} » inconnue.</translation>
    </message>
    <message>
        <source>Choose an ISO image.</source>
        <translation>Choisissez une image ISO.</translation>
    </message>
    <message>
        <source>Choose a DVD drive.</source>
        <translation>Choisissez un lecteur de DVD.</translation>
    </message>
    <message>
        <source>The template '{name}' cannot install from the network.</source>
        <translation>Le modèle « {name} » ne peut pas s'installer depuis le réseau.</translation>
    </message>
    <message>
        <source>Give the install repository as an http://, https://, ftp:// or nfs:// address.</source>
        <translation>Donnez le dépôt d'installation sous forme d'adresse http://, https://, ftp:// ou nfs://.</translation>
    </message>
    <message>
        <source>Network boot needs a network interface.</source>
        <translation>Le démarrage réseau nécessite une interface réseau.</translation>
    </message>
    <message>
        <source>No installation media: the new VM has empty disks and will not boot until you insert a disc.</source>
        <translation>Aucun support d'installation : la nouvelle VM a des disques vides et ne démarrera pas tant que vous n'aurez pas inséré de disque.</translation>
    </message>
    <message>
        <source>The template allows 1 to {max} vCPUs.</source>
        <translation>Le modèle autorise de 1 à {max} vCPU.</translation>
    </message>
    <message>
        <source>The number of vCPUs must be a multiple of the cores per socket.</source>
        <translation>Le nombre de vCPU doit être un multiple des cœurs par socket.</translation>
    </message>
    <message>
        <source>The template needs at least {min} of memory.</source>
        <translation>Le modèle nécessite au moins {min} de mémoire.</translation>
    </message>
    <message>
        <source>The template allows at most {max} of memory.</source>
        <translation>Le modèle autorise au plus {max} de mémoire.</translation>
    </message>
    <message>
        <source>The template allows at most {max} drives.</source>
        <translation>Le modèle autorise au plus {max} lecteurs.</translation>
    </message>
    <message>
        <source>The VM has no disk.</source>
        <translation>La VM n'a pas de disque.</translation>
    </message>
    <message>
        <source>Disk {n}: choose an SR for it.</source>
        <translation>Disque {n} : choisissez-lui un SR.</translation>
    </message>
    <message>
        <source>Disk {n}: the SR '{sr}' is not attached.</source>
        <translation>Disque {n} : le SR « {sr} » n'est pas attaché.</translation>
    </message>
    <message>
        <source>Disk {n}: give it a size.</source>
        <translation>Disque {n} : donnez-lui une taille.</translation>
    </message>
    <message>
        <source>Disk {n}: the template's disk can grow, not shrink below {size}.</source>
        <translation>Disque {n} : le disque du modèle peut grandir, pas rétrécir en dessous de {size}.</translation>
    </message>
    <message>
        <source>The template's own disks are copied together: put them on one SR.</source>
        <translation>Les disques propres du modèle sont copiés ensemble : mettez-les sur un même SR.</translation>
    </message>
    <message>
        <source>Not enough space on '{sr}': the new disks need {need}, {free} are free.</source>
        <translation>Pas assez d'espace sur « {sr} » : les nouveaux disques nécessitent {need}, {free} sont libres.</translation>
    </message>
    <message>
        <source>The template allows at most {max} network interfaces.</source>
        <translation>Le modèle autorise au plus {max} interfaces réseau.</translation>
    </message>
    <message>
        <source>Interface {n}: choose a network.</source>
        <translation>Interface {n} : choisissez un réseau.</translation>
    </message>
    <message>
        <source>Interface {n}: '{mac}' is not a MAC address (aa:bb:cc:dd:ee:ff).</source>
        <translation>Interface {n} : « {mac} » n'est pas une adresse MAC (aa:bb:cc:dd:ee:ff).</translation>
    </message>
    <message>
        <source>Interface {n}: {mac} is a multicast address.</source>
        <translation>Interface {n} : {mac} est une adresse multicast.</translation>
    </message>
    <message>
        <source>Interface {n}: {mac} is already used by '{vm}'.</source>
        <translation>Interface {n} : {mac} est déjà utilisée par « {vm} ».</translation>
    </message>
    <message>
        <source>Interface {n}: {mac} is given twice.</source>
        <translation>Interface {n} : {mac} est donnée deux fois.</translation>
    </message>
    <message>
        <source>Interface {n}: a fixed MAC address cannot go to several VMs.</source>
        <translation>Interface {n} : une adresse MAC fixe ne peut pas aller à plusieurs VM.</translation>
    </message>
    <message>
        <source>Choose a home server, or let xapiman place the VM.</source>
        <translation>Choisissez un serveur d'attache, ou laissez xapiman placer la VM.</translation>
    </message>
    <message>
        <source>{host} cannot start VM {n} now: {why}</source>
        <translation>{host} ne peut pas démarrer la VM {n} maintenant : {why}</translation>
    </message>
    <message>
        <source>the pool has no servers</source>
        <translation>le pool n'a pas de serveurs</translation>
    </message>
    <message>
        <source>No server can take VM {n} now ({why}).</source>
        <translation>Aucun serveur ne peut prendre la VM {n} maintenant ({why}).</translation>
    </message>
    <message>
        <source>{first} … {last} ({count} VMs)</source>
        <translation>{first} … {last} ({count} VM)</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Installation</source>
        <translation>Installation</translation>
    </message>
    <message>
        <source>vCPUs</source>
        <translation>vCPU</translation>
    </message>
    <message>
        <source>{vcpus} ({sockets} socket(s) × {cores} core(s))</source>
        <translation>{vcpus} ({sockets} socket(s) × {cores} cœur(s))</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Mémoire</translation>
    </message>
    <message>
        <source>Disk {n}</source>
        <translation>Disque {n}</translation>
    </message>
    <message>
        <source>{size} on {sr}</source>
        <translation>{size} sur {sr}</translation>
    </message>
    <message>
        <source>{network}, MAC {mac}</source>
        <translation>{network}, MAC {mac}</translation>
    </message>
    <message>
        <source>automatic: {hosts}</source>
        <translation>automatique : {hosts}</translation>
    </message>
    <message>
        <source>no server now</source>
        <translation>aucun serveur maintenant</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Démarrer</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>from {disc}</source>
        <translation>depuis {disc}</translation>
    </message>
    <message>
        <source>from {url}</source>
        <translation>depuis {url}</translation>
    </message>
    <message>
        <source>network boot (PXE)</source>
        <translation>démarrage réseau (PXE)</translation>
    </message>
    <message>
        <source>none (boot from disk)</source>
        <translation>aucun (démarrage sur disque)</translation>
    </message>
</context><context>
    <name>Notification</name>
    <message>
        <source>Dismiss</source>
        <translation>Ignorer</translation>
    </message>
</context><context>
    <name>Notifications</name>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Événement</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Début</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminée</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulée</translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation>Échec : {error}</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>Notifications – xapiman</source>
        <translation>Notifications – xapiman</translation>
    </message>
    <message>
        <source>Pool:</source>
        <translation>Pool :</translation>
    </message>
    <message>
        <source>C&amp;lear Events</source>
        <translation>&amp;Effacer les événements</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertes</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Événements</translation>
    </message>
    <message>
        <source>Task History</source>
        <translation>Historique des tâches</translation>
    </message>
    <message>
        <source>All pools</source>
        <translation>Tous les pools</translation>
    </message>
    <message>
        <source>Connected.</source>
        <translation>Connecté.</translation>
    </message>
    <message>
        <source>The connection was lost; reconnecting (attempt {n}).</source>
        <translation>La connexion a été perdue ; reconnexion (tentative {n}).</translation>
    </message>
    <message>
        <source>Could not connect: {reason}</source>
        <translation>Connexion impossible : {reason}</translation>
    </message>
    <message>
        <source>Could not connect.</source>
        <translation>Connexion impossible.</translation>
    </message>
    <message>
        <source>Disconnected.</source>
        <translation>Déconnecté.</translation>
    </message>
</context><context>
    <name>Options</name>
    <message>
        <source>Options</source>
        <translation>Options</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>As the desktop</source>
        <translation>Comme le bureau</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
    </message>
    <message>
        <source>A new language applies when xapiman starts again.</source>
        <translation>Une nouvelle langue s'applique au prochain démarrage de xapiman.</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>Questions</translation>
    </message>
    <message>
        <source>&amp;Ask Every Question Again</source>
        <translation>&amp;Reposer toutes les questions</translation>
    </message>
    <message>
        <source>xapiman asks before every operation that needs it.</source>
        <translation>xapiman demande avant chaque opération qui le nécessite.</translation>
    </message>
    <message>
        <source>Not asked any more before: {operations}.</source>
        <translation>Plus de question avant : {operations}.</translation>
    </message>
</context><context>
    <name>Performance</name>
    <message>
        <source>Series</source>
        <translation>Séries</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exporter en CSV…</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>Exporter en PNG…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <source>This object no longer exists.</source>
        <translation>Cet objet n'existe plus.</translation>
    </message>
    <message>
        <source>The VM is not running: it has no live performance data.</source>
        <translation>La VM n'est pas en marche : elle n'a pas de données de performance en direct.</translation>
    </message>
    <message>
        <source>The host</source>
        <translation>L'hôte</translation>
    </message>
    <message>
        <source>{host}: {error}. The graphs go on when it answers again.</source>
        <translation>{host} : {error}. Les graphiques reprennent quand il répond de nouveau.</translation>
    </message>
    <message>
        <source>Paused: the graphs are not redrawn.</source>
        <translation>En pause : les graphiques ne sont pas redessinés.</translation>
    </message>
    <message>
        <source>Loading performance data…</source>
        <translation>Chargement des données de performance…</translation>
    </message>
    <message>
        <source>Export as CSV</source>
        <translation>Exporter en CSV</translation>
    </message>
    <message>
        <source>Export as PNG</source>
        <translation>Exporter en PNG</translation>
    </message>
    <message>
        <source>time</source>
        <translation>heure</translation>
    </message>
    <message>
        <source>Could not write {path}: {error}</source>
        <translation>Impossible d'écrire {path} : {error}</translation>
    </message>
    <message>
        <source>Saved {rows} rows to {path}.</source>
        <translation>{rows} lignes enregistrées dans {path}.</translation>
    </message>
    <message>
        <source>Saved the graphs to {path}.</source>
        <translation>Graphiques enregistrés dans {path}.</translation>
    </message>
    <message>
        <source>Could not write {path}.</source>
        <translation>Impossible d'écrire {path}.</translation>
    </message>
</context><context>
    <name>Placement</name>
    <message>
        <source>{size} GiB</source>
        <translation>{size} Gio</translation>
    </message>
    <message>
        <source>Recommended: {facts}.</source>
        <translation>Recommandé : {facts}.</translation>
    </message>
    <message>
        <source>Suitable: {facts}.</source>
        <translation>Convenable : {facts}.</translation>
    </message>
    <message>
        <source>The VM is already on this server.</source>
        <translation>La VM est déjà sur ce serveur.</translation>
    </message>
    <message>
        <source>The server is not reachable.</source>
        <translation>Le serveur n'est pas joignable.</translation>
    </message>
    <message>
        <source>The server is in maintenance mode.</source>
        <translation>Le serveur est en mode maintenance.</translation>
    </message>
    <message>
        <source>The VM has {vcpus} vCPUs, the server only {cpus} CPUs.</source>
        <translation>La VM a {vcpus} vCPU, le serveur seulement {cpus} CPU.</translation>
    </message>
    <message>
        <source>The server cannot reach the storage '{sr}'.</source>
        <translation>Le serveur ne peut pas atteindre le stockage « {sr} ».</translation>
    </message>
    <message>
        <source>The server is not connected to the network '{network}'.</source>
        <translation>Le serveur n'est pas connecté au réseau « {network} ».</translation>
    </message>
    <message>
        <source>Not enough free memory: the VM needs {need}, {free} free.</source>
        <translation>Pas assez de mémoire libre : la VM a besoin de {need}, {free} libres.</translation>
    </message>
    <message>
        <source>{left} of memory left after this VM</source>
        <translation>{left} de mémoire restante après cette VM</translation>
    </message>
    <message>
        <source>{committed} vCPUs on {cpus} CPUs</source>
        <translation>{committed} vCPU sur {cpus} CPU</translation>
    </message>
    <message>
        <source>CPU load {load}%</source>
        <translation>charge CPU {load} %</translation>
    </message>
    <message>
        <source>{free} free</source>
        <translation>{free} libres</translation>
    </message>
    <message>
        <source>there is no other server</source>
        <translation>il n'y a pas d'autre serveur</translation>
    </message>
</context><context>
    <name>Pool</name>
    <message>
        <source>High availability is on; turn it off first.</source>
        <translation>La haute disponibilité est activée ; désactivez-la d'abord.</translation>
    </message>
    <message>
        <source>The server is not reachable.</source>
        <translation>Le serveur n'est pas joignable.</translation>
    </message>
    <message>
        <source>The coordinator cannot leave the pool; make another server the coordinator first.</source>
        <translation>Le coordinateur ne peut pas quitter le pool ; faites d'abord d'un autre serveur le coordinateur.</translation>
    </message>
    <message>
        <source>VMs still run on it: {names}. Move or shut them down first.</source>
        <translation>Des VM tournent encore dessus : {names}. Déplacez-les ou arrêtez-les d'abord.</translation>
    </message>
    <message>
        <source>the server's place in pool '{pool}'</source>
        <translation>la place du serveur dans le pool « {pool} »</translation>
    </message>
    <message>
        <source>the local storage '{sr}' and every disk on it</source>
        <translation>le stockage local « {sr} » et tous les disques qu'il contient</translation>
    </message>
    <message>
        <source>Remove '{host}' from the pool? It restarts as a standalone server with a fresh configuration.</source>
        <translation>Retirer « {host} » du pool ? Il redémarre comme serveur autonome avec une configuration neuve.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Remove '{host}' from the pool</source>
        <translation>Retirer « {host} » du pool</translation>
    </message>
    <message>
        <source>The server is the coordinator already.</source>
        <translation>Le serveur est déjà le coordinateur.</translation>
    </message>
    <message>
        <source>Make '{host}' the pool's coordinator? The pool is unreachable for a short while and every client logs in again.</source>
        <translation>Faire de « {host} » le coordinateur du pool ? Le pool est injoignable un court moment et chaque client se reconnecte.</translation>
    </message>
    <message>
        <source>Make '{host}' the coordinator</source>
        <translation>Faire de « {host} » le coordinateur</translation>
    </message>
    <message>
        <source>Handing the pool over to '{host}'</source>
        <translation>Passage du pool à « {host} »</translation>
    </message>
    <message>
        <source>Waiting for the pool to answer from '{host}'</source>
        <translation>En attente de la réponse du pool depuis « {host} »</translation>
    </message>
    <message>
        <source>'{host}' is the coordinator</source>
        <translation>« {host} » est le coordinateur</translation>
    </message>
    <message>
        <source>The pool did not answer with '{host}' as its coordinator within {s} s. Check the servers.</source>
        <translation>Le pool n'a pas répondu avec « {host} » comme coordinateur en {s} s. Vérifiez les serveurs.</translation>
    </message>
    <message>
        <source>Only a standalone server can join a pool; this pool has {n} servers.</source>
        <translation>Seul un serveur autonome peut rejoindre un pool ; ce pool a {n} serveurs.</translation>
    </message>
    <message>
        <source>The server joins the pool whose coordinator answers at this address. It must run no VMs and have no shared storage; its halted VMs are not kept, its local storage is.</source>
        <translation>Le serveur rejoint le pool dont le coordinateur répond à cette adresse. Il ne doit faire tourner aucune VM ni avoir de stockage partagé ; ses VM arrêtées ne sont pas conservées, son stockage local l'est.</translation>
    </message>
    <message>
        <source>Coordinator address</source>
        <translation>Adresse du coordinateur</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Rejoindre</translation>
    </message>
    <message>
        <source>Give the address of the pool's coordinator.</source>
        <translation>Donnez l'adresse du coordinateur du pool.</translation>
    </message>
    <message>
        <source>Add '{host}' to the pool at {address}</source>
        <translation>Ajouter « {host} » au pool à {address}</translation>
    </message>
</context><context>
    <name>Pools</name>
    <message>
        <source>The certificate you trusted for {address} was not saved in the profile, so you will be asked again next time</source>
        <translation>Le certificat que vous avez approuvé pour {address} n'a pas été enregistré dans le profil : il vous sera de nouveau demandé la prochaine fois</translation>
    </message>
    <message>
        <source>The pool's other members were not saved in the profile (they are tried when the coordinator is gone)</source>
        <translation>Les autres membres du pool n'ont pas été enregistrés dans le profil (ils sont essayés quand le coordinateur a disparu)</translation>
    </message>
</context><context>
    <name>Profiles</name>
    <message>
        <source>the address must not contain a user name or password: put the user name in the user field; the password is asked for and kept in the system keyring</source>
        <translation>l'adresse ne doit contenir ni nom d'utilisateur ni mot de passe : mettez le nom d'utilisateur dans le champ utilisateur ; le mot de passe est demandé et gardé dans le trousseau du système</translation>
    </message>
    <message>
        <source>{source}, line {line}: the alias *{name} is not accepted: write each value out in full (aliases can make a small file expand without end)</source>
        <translation>{source}, ligne {line} : l'alias *{name} n'est pas accepté : écrivez chaque valeur en entier (les alias peuvent faire grossir un petit fichier sans fin)</translation>
    </message>
    <message>
        <source>{source}, line {line}: values are nested more than {depth} levels deep</source>
        <translation>{source}, ligne {line} : les valeurs sont imbriquées sur plus de {depth} niveaux</translation>
    </message>
</context><context>
    <name>Properties</name>
    <message>
        <source>Servers</source>
        <translation>Serveurs</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>CPUs</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory use</source>
        <translation>Mémoire utilisée</translation>
    </message>
    <message>
        <source>Running VMs</source>
        <translation>VM en marche</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Périphérique</translation>
    </message>
    <message>
        <source>Duplex</source>
        <translation>Duplex</translation>
    </message>
    <message>
        <source>IP address</source>
        <translation>Adresse IP</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Lien</translation>
    </message>
    <message>
        <source>MAC address</source>
        <translation>Adresse MAC</translation>
    </message>
    <message>
        <source>Management</source>
        <translation>Gestion</translation>
    </message>
    <message>
        <source>NIC</source>
        <translation>Carte</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Position</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>Lecture seule</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Utilisé</translation>
    </message>
    <message>
        <source>API version</source>
        <translation>Version de l'API</translation>
    </message>
    <message>
        <source>Allocated</source>
        <translation>Alloué</translation>
    </message>
    <message>
        <source>At startup</source>
        <translation>Au démarrage</translation>
    </message>
    <message>
        <source>Based on</source>
        <translation>Basé sur</translation>
    </message>
    <message>
        <source>Bridge</source>
        <translation>Pont</translation>
    </message>
    <message>
        <source>Build</source>
        <translation>Build</translation>
    </message>
    <message>
        <source>CPU usage</source>
        <translation>Utilisation CPU</translation>
    </message>
    <message>
        <source>Connected to</source>
        <translation>Connecté à</translation>
    </message>
    <message>
        <source>Contents</source>
        <translation>Contenu</translation>
    </message>
    <message>
        <source>Coordinator</source>
        <translation>Coordinateur</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>Actuelle</translation>
    </message>
    <message>
        <source>Custom templates</source>
        <translation>Modèles personnalisés</translation>
    </message>
    <message>
        <source>Default storage</source>
        <translation>Stockage par défaut</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Disks</source>
        <translation>Disques</translation>
    </message>
    <message>
        <source>Dynamic maximum</source>
        <translation>Maximum dynamique</translation>
    </message>
    <message>
        <source>Dynamic minimum</source>
        <translation>Minimum dynamique</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Libre</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Général</translation>
    </message>
    <message>
        <source>Guest tools</source>
        <translation>Outils invités</translation>
    </message>
    <message>
        <source>High availability</source>
        <translation>Haute disponibilité</translation>
    </message>
    <message>
        <source>Holds</source>
        <translation>Contient</translation>
    </message>
    <message>
        <source>Hostname</source>
        <translation>Nom d'hôte</translation>
    </message>
    <message>
        <source>IP addresses</source>
        <translation>Adresses IP</translation>
    </message>
    <message>
        <source>In use now</source>
        <translation>Utilisés maintenant</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limites</translation>
    </message>
    <message>
        <source>MTU</source>
        <translation>MTU</translation>
    </message>
    <message>
        <source>Managed by xapi</source>
        <translation>Géré par xapi</translation>
    </message>
    <message>
        <source>Maximum</source>
        <translation>Maximum</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Mémoire</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Réseau</translation>
    </message>
    <message>
        <source>Operating system</source>
        <translation>Système d'exploitation</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Pool role</source>
        <translation>Rôle dans le pool</translation>
    </message>
    <message>
        <source>Power state</source>
        <translation>État d'alimentation</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Produit</translation>
    </message>
    <message>
        <source>Resources</source>
        <translation>Ressources</translation>
    </message>
    <message>
        <source>SR</source>
        <translation>SR</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>Server interfaces</source>
        <translation>Interfaces des serveurs</translation>
    </message>
    <message>
        <source>Server overhead</source>
        <translation>Surcoût du serveur</translation>
    </message>
    <message>
        <source>Server uptime</source>
        <translation>Durée de fonctionnement du serveur</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>Partagé</translation>
    </message>
    <message>
        <source>Shared storage</source>
        <translation>Stockage partagé</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>Instantané</translation>
    </message>
    <message>
        <source>Snapshot of</source>
        <translation>Instantané de</translation>
    </message>
    <message>
        <source>Snapshots</source>
        <translation>Instantanés</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Vitesse</translation>
    </message>
    <message>
        <source>Static maximum</source>
        <translation>Maximum statique</translation>
    </message>
    <message>
        <source>Static minimum</source>
        <translation>Minimum statique</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Stockage</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>Pris le</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Outils</translation>
    </message>
    <message>
        <source>Toolstack uptime</source>
        <translation>Durée de fonctionnement de la pile d'outils</translation>
    </message>
    <message>
        <source>Topology</source>
        <translation>Topologie</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>UUID</source>
        <translation>UUID</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Durée de fonctionnement</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Utilisation</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Utilisation</translation>
    </message>
    <message>
        <source>VIFs</source>
        <translation>VIF</translation>
    </message>
    <message>
        <source>vCPUs</source>
        <translation>vCPU</translation>
    </message>
    <message>
        <source>VM</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>VM interfaces</source>
        <translation>Interfaces des VM</translation>
    </message>
    <message>
        <source>VMs</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Virtual machines</source>
        <translation>Machines virtuelles</translation>
    </message>
    <message>
        <source>Xen</source>
        <translation>Xen</translation>
    </message>
    <message>
        <source>{label}:</source>
        <translation>{label} :</translation>
    </message>
</context><context>
    <name>Roles</name>
    <message>
        <source>Pool Admin</source>
        <translation>Administrateur du pool</translation>
    </message>
    <message>
        <source>Pool Operator</source>
        <translation>Opérateur du pool</translation>
    </message>
    <message>
        <source>VM Power Admin</source>
        <translation>Administrateur de l'alimentation des VM</translation>
    </message>
    <message>
        <source>VM Admin</source>
        <translation>Administrateur des VM</translation>
    </message>
    <message>
        <source>VM Operator</source>
        <translation>Opérateur des VM</translation>
    </message>
    <message>
        <source>Read Only</source>
        <translation>Lecture seule</translation>
    </message>
</context><context>
    <name>Search</name>
    <message>
        <source>VM</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>Instantané</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Stockage</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Réseau</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>Tout</translation>
    </message>
    <message>
        <source>VMs</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>Running VMs</source>
        <translation>VM en marche</translation>
    </message>
    <message>
        <source>VMs that are not running</source>
        <translation>VM qui ne sont pas en marche</translation>
    </message>
    <message>
        <source>Servers</source>
        <translation>Serveurs</translation>
    </message>
    <message>
        <source>Not reachable</source>
        <translation>Injoignable</translation>
    </message>
    <message>
        <source>Maintenance mode</source>
        <translation>Mode maintenance</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En marche</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connecté</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Detached</source>
        <translation>Détaché</translation>
    </message>
    <message>
        <source>{percent}% of {count} CPUs</source>
        <translation>{percent} % de {count} CPU</translation>
    </message>
    <message>
        <source>{used} of {total}</source>
        <translation>{used} sur {total}</translation>
    </message>
    <message>
        <source>{size}/s</source>
        <translation>{size}/s</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>CPU usage</source>
        <translation>Utilisation CPU</translation>
    </message>
    <message>
        <source>Used memory</source>
        <translation>Mémoire utilisée</translation>
    </message>
    <message>
        <source>Disks</source>
        <translation>Disques</translation>
    </message>
    <message>
        <source>IP address</source>
        <translation>Adresse IP</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>En marche depuis</translation>
    </message>
    <message>
        <source>Disk size</source>
        <translation>Taille des disques</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Saved searches</source>
        <translation>Recherches enregistrées</translation>
    </message>
    <message>
        <source>Filter by name, tag or IP address</source>
        <translation>Filtrer par nom, étiquette ou adresse IP</translation>
    </message>
    <message>
        <source>&amp;Save Search…</source>
        <translation>&amp;Enregistrer la recherche…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>&amp;Columns</source>
        <translation>&amp;Colonnes</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>Résultats de la recherche</translation>
    </message>
    <message>
        <source>The searches that come with xapiman cannot be deleted.</source>
        <translation>Les recherches fournies avec xapiman ne peuvent pas être supprimées.</translation>
    </message>
    <message>
        <source>Save Search</source>
        <translation>Enregistrer la recherche</translation>
    </message>
    <message>
        <source>Name of this search:</source>
        <translation>Nom de cette recherche :</translation>
    </message>
    <message>
        <source>{count} objects</source>
        <translation>{count} objets</translation>
    </message>
    <message>
        <source>1 object</source>
        <translation>1 objet</translation>
    </message>
</context><context>
    <name>Settings</name>
    <message>
        <source>The settings in {path} could not be read ({error}); the defaults are used.</source>
        <translation>Les réglages de {path} n'ont pas pu être lus ({error}) ; les valeurs par défaut sont utilisées.</translation>
    </message>
    <message>
        <source>The settings file was damaged ({error}) and is kept as {path}; the defaults are used.</source>
        <translation>Le fichier de réglages était endommagé ({error}) et est conservé sous {path} ; les valeurs par défaut sont utilisées.</translation>
    </message>
</context><context>
    <name>Sizes</name>
    <message>
        <source>'{text}' is not a size; write it like 4GiB or 512MiB.</source>
        <translation>« {text} » n'est pas une taille ; écrivez-la comme 4GiB ou 512MiB.</translation>
    </message>
    <message>
        <source>'{unit}' is not a unit; use MiB, GiB or TiB.</source>
        <translation>« {unit} » n'est pas une unité ; utilisez MiB, GiB ou TiB.</translation>
    </message>
    <message>
        <source>'{text}' needs a unit: 4GiB, 512MiB ...</source>
        <translation>« {text} » a besoin d'une unité : 4GiB, 512MiB ...</translation>
    </message>
    <message>
        <source>{n} bytes</source>
        <translation>{n} octets</translation>
    </message>
</context><context>
    <name>Snapshots</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>Pris le</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Maintenant</translation>
    </message>
    <message>
        <source>Current state</source>
        <translation>État actuel</translation>
    </message>
    <message>
        <source>What '{name}' is now</source>
        <translation>Ce qu'est « {name} » maintenant</translation>
    </message>
</context><context>
    <name>Storage</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>Partagé</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Utilisation</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Virtual allocation</source>
        <translation>Allocation virtuelle</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Par défaut</translation>
    </message>
    <message>
        <source>This pool has no storage.</source>
        <translation>Ce pool n'a pas de stockage.</translation>
    </message>
    <message>
        <source>No storage is the default: new VMs' disks go where you choose each time.</source>
        <translation>Aucun stockage n'est celui par défaut : les disques des nouvelles VM vont là où vous le choisissez à chaque fois.</translation>
    </message>
</context><context>
    <name>Tabs</name>
    <message>
        <source>General</source>
        <translation>Général</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Résumé</translation>
    </message>
    <message>
        <source>HA</source>
        <translation>HA</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Mémoire</translation>
    </message>
    <message>
        <source>vCPUs</source>
        <translation>vCPU</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Stockage</translation>
    </message>
    <message>
        <source>Disks</source>
        <translation>Disques</translation>
    </message>
    <message>
        <source>NICs</source>
        <translation>Cartes réseau</translation>
    </message>
    <message>
        <source>Networking</source>
        <translation>Réseau</translation>
    </message>
    <message>
        <source>VMs</source>
        <translation>VM</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>Console</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>Performances</translation>
    </message>
    <message>
        <source>Snapshots</source>
        <translation>Instantanés</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Tableau de bord</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertes</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Recherche</translation>
    </message>
    <message>
        <source>Edit name and description…</source>
        <translation>Modifier le nom et la description…</translation>
    </message>
    <message>
        <source>Edit tags…</source>
        <translation>Modifier les étiquettes…</translation>
    </message>
    <message>
        <source>Move to folder…</source>
        <translation>Déplacer vers un dossier…</translation>
    </message>
    <message>
        <source>Select an object first.</source>
        <translation>Sélectionnez d'abord un objet.</translation>
    </message>
    <message>
        <source>Turn On High Availability…</source>
        <translation>Activer la haute disponibilité…</translation>
    </message>
    <message>
        <source>Change Failures to Tolerate…</source>
        <translation>Changer le nombre de pannes tolérées…</translation>
    </message>
    <message>
        <source>Turn Off High Availability…</source>
        <translation>Désactiver la haute disponibilité…</translation>
    </message>
    <message>
        <source>Change restart priority…</source>
        <translation>Changer la priorité de redémarrage…</translation>
    </message>
    <message>
        <source>Insert ISO…</source>
        <translation>Insérer un ISO…</translation>
    </message>
    <message>
        <source>Eject</source>
        <translation>Éjecter</translation>
    </message>
    <message>
        <source>DVD drive:</source>
        <translation>Lecteur de DVD :</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
</context><context>
    <name>TaskList</name>
    <message>
        <source>Task</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>Pool</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation>Échec : {error}</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>Lost: {reason}</source>
        <translation>Perdue : {reason}</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>Perdue</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminée</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulée</translation>
    </message>
    <message>
        <source>Cancelling</source>
        <translation>Annulation</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Finie</translation>
    </message>
    <message>
        <source>{status}: {detail}</source>
        <translation>{status} : {detail}</translation>
    </message>
    <message>
        <source>the connection was closed before the task ended</source>
        <translation>la connexion a été fermée avant la fin de la tâche</translation>
    </message>
    <message>
        <source>the connection failed before the task ended: {reason}</source>
        <translation>la connexion a échoué avant la fin de la tâche : {reason}</translation>
    </message>
</context><context>
    <name>Tasks</name>
    <message>
        <source>the connection was closed while the task ran</source>
        <translation>la connexion a été fermée pendant la tâche</translation>
    </message>
    <message>
        <source>Cancel Task</source>
        <translation>Annuler la tâche</translation>
    </message>
    <message>
        <source>Clear Finished Tasks</source>
        <translation>Effacer les tâches terminées</translation>
    </message>
    <message>
        <source>{what} is still running after {s:g} s ({progress:.0%} done)</source>
        <translation>{what} est toujours en cours après {s:g} s ({progress:.0%} fait)</translation>
    </message>
    <message>
        <source>Cancelled before it began.</source>
        <translation>Annulée avant d'avoir commencé.</translation>
    </message>
    <message>
        <source>{done} of {total} done</source>
        <translation>{done} sur {total} faites</translation>
    </message>
</context><context>
    <name>TreeHint</name>
    <message>
        <source>No object is in a folder yet. Folders group VMs, servers and storage the way you think of them: right-click an object and choose Move to Folder… to start one.</source>
        <translation>Aucun objet n'est encore dans un dossier. Les dossiers regroupent VM, serveurs et stockage comme vous les concevez : faites un clic droit sur un objet et choisissez Déplacer vers un dossier… pour en créer un.</translation>
    </message>
    <message>
        <source>No object has a tag yet. Tags mark objects across pools (such as "production" or "backup"): right-click an object and choose Edit Tags… to add one.</source>
        <translation>Aucun objet n'a encore d'étiquette. Les étiquettes marquent des objets à travers les pools (comme « production » ou « sauvegarde ») : faites un clic droit sur un objet et choisissez Modifier les étiquettes… pour en ajouter une.</translation>
    </message>
</context><context>
    <name>Users</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>Login name</source>
        <translation>Nom de connexion</translation>
    </message>
    <message>
        <source>&amp;Add User or Group…</source>
        <translation>&amp;Ajouter un utilisateur ou un groupe…</translation>
    </message>
    <message>
        <source>&amp;Change Role…</source>
        <translation>&amp;Changer le rôle…</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Retirer…</translation>
    </message>
    <message>
        <source>Select a user or group (the local root account always has full access).</source>
        <translation>Sélectionnez un utilisateur ou un groupe (le compte root local a toujours un accès complet).</translation>
    </message>
    <message>
        <source>Local root account</source>
        <translation>Compte root local</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Always enabled</source>
        <translation>Toujours actif</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>No role: cannot log in</source>
        <translation>Aucun rôle : ne peut pas se connecter</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Désactivé</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>Verrouillé</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Expiré</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Groupe</translation>
    </message>
    <message>
        <source>This pool has not joined a directory, so only its local root account can log in. Join it to Active Directory to let its users and groups log in with the roles you give them.</source>
        <translation>Ce pool n'a rejoint aucun annuaire : seul son compte root local peut se connecter. Joignez-le à Active Directory pour que ses utilisateurs et groupes se connectent avec les rôles que vous leur donnez.</translation>
    </message>
    <message>
        <source>Users and groups of {domain} who may log in, and what they may do.</source>
        <translation>Les utilisateurs et groupes de {domain} qui peuvent se connecter, et ce qu'ils peuvent faire.</translation>
    </message>
    <message>
        <source>The server's list of roles could not be read.</source>
        <translation>La liste des rôles du serveur n'a pas pu être lue.</translation>
    </message>
    <message>
        <source>The pool has not joined a directory (Active Directory): only its local root account can log in.</source>
        <translation>Le pool n'a rejoint aucun annuaire (Active Directory) : seul son compte root local peut se connecter.</translation>
    </message>
    <message>
        <source>Add User or Group</source>
        <translation>Ajouter un utilisateur ou un groupe</translation>
    </message>
    <message>
        <source>A user or group of {domain} who may log in to the pool, and what they may do.</source>
        <translation>Un utilisateur ou un groupe de {domain} qui peut se connecter au pool, et ce qu'il peut faire.</translation>
    </message>
    <message>
        <source>User or group</source>
        <translation>Utilisateur ou groupe</translation>
    </message>
    <message>
        <source>As in the directory: bob, CORP\bob or bob@{domain}</source>
        <translation>Comme dans l'annuaire : bob, CORP\bob ou bob@{domain}</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ajouter</translation>
    </message>
    <message>
        <source>role</source>
        <translation>rôle</translation>
    </message>
    <message>
        <source>{domain} has no user or group named '{name}'.</source>
        <translation>{domain} n'a pas d'utilisateur ni de groupe nommé « {name} ».</translation>
    </message>
    <message>
        <source>'{name}' can already log in; change its role instead.</source>
        <translation>« {name} » peut déjà se connecter ; changez plutôt son rôle.</translation>
    </message>
    <message>
        <source>Change Role</source>
        <translation>Changer le rôle</translation>
    </message>
    <message>
        <source>The role of {names}:</source>
        <translation>Le rôle de {names} :</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Changer</translation>
    </message>
    <message>
        <source>Remove User or Group</source>
        <translation>Retirer l'utilisateur ou le groupe</translation>
    </message>
    <message>
        <source>{names} will no longer be able to log in to the pool. Their sessions end now.</source>
        <translation>{names} ne pourra plus se connecter au pool. Ses sessions se terminent maintenant.</translation>
    </message>
    <message>
        <source>the access of '{name}'</source>
        <translation>l'accès de « {name} »</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
</context><context>
    <name>Values</name>
    <message>
        <source>{duration} (since {time})</source>
        <translation>{duration} (depuis le {time})</translation>
    </message>
    <message>
        <source>{percent}% on average</source>
        <translation>{percent} % en moyenne</translation>
    </message>
    <message>
        <source>all enabled</source>
        <translation>tous actifs</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>actif</translation>
    </message>
    <message>
        <source>{count} {state}</source>
        <translation>{state} : {count}</translation>
    </message>
    <message>
        <source>{total}: {states}</source>
        <translation>{total} : {states}</translation>
    </message>
    <message>
        <source>{used} used</source>
        <translation>{used} utilisés</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>vide</translation>
    </message>
    <message>
        <source>{used} used of {total} ({percent})</source>
        <translation>{used} utilisés sur {total} ({percent})</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 jour</translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation>{n} jours</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 heure</translation>
    </message>
    <message>
        <source>{n} hours</source>
        <translation>{n} heures</translation>
    </message>
    <message>
        <source>1 minute</source>
        <translation>1 minute</translation>
    </message>
    <message>
        <source>{n} minutes</source>
        <translation>{n} minutes</translation>
    </message>
    <message>
        <source>less than a minute</source>
        <translation>moins d'une minute</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Oui</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Non</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En marche</translation>
    </message>
    <message>
        <source>Shut down</source>
        <translation>Arrêtée</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Suspendue</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>En pause</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Inconnu</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>Intégral</translation>
    </message>
    <message>
        <source>Half</source>
        <translation>Semi</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Déconnecté</translation>
    </message>
    <message>
        <source>A deleted VM</source>
        <translation>Une VM supprimée</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connecté</translation>
    </message>
    <message>
        <source>Coordinator</source>
        <translation>Coordinateur</translation>
    </message>
    <message>
        <source>Created on install</source>
        <translation>Créés à l'installation</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Par défaut</translation>
    </message>
    <message>
        <source>Default template</source>
        <translation>Modèle par défaut</translation>
    </message>
    <message>
        <source>Custom template</source>
        <translation>Modèle personnalisé</translation>
    </message>
    <message>
        <source>Disks and memory</source>
        <translation>Disques et mémoire</translation>
    </message>
    <message>
        <source>Disks only</source>
        <translation>Disques seulement</translation>
    </message>
    <message>
        <source>Empty</source>
        <translation>Vide</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>Installés</translation>
    </message>
    <message>
        <source>Maintenance mode (disabled)</source>
        <translation>Mode maintenance (désactivé)</translation>
    </message>
    <message>
        <source>No server</source>
        <translation>Aucun serveur</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Aucun</translation>
    </message>
    <message>
        <source>None reported</source>
        <translation>Aucune signalée</translation>
    </message>
    <message>
        <source>Not applicable to a template</source>
        <translation>Sans objet pour un modèle</translation>
    </message>
    <message>
        <source>Not known while the VM is not running</source>
        <translation>Inconnu tant que la VM n'est pas en marche</translation>
    </message>
    <message>
        <source>Not installed: no guest agent reports from this VM</source>
        <translation>Non installés : aucun agent invité ne se signale depuis cette VM</translation>
    </message>
    <message>
        <source>Not plugged</source>
        <translation>Non branché</translation>
    </message>
    <message>
        <source>Not reachable</source>
        <translation>Injoignable</translation>
    </message>
    <message>
        <source>Not reported</source>
        <translation>Non signalé</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>Pas en marche</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Non</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Oui</translation>
    </message>
    <message>
        <source>Supporter</source>
        <translation>Membre</translation>
    </message>
    <message>
        <source>Unknown (no guest tools report)</source>
        <translation>Inconnu (aucun rapport des outils invités)</translation>
    </message>
    <message>
        <source>No shared storage.</source>
        <translation>Aucun stockage partagé.</translation>
    </message>
    <message>
        <source>This object no longer exists.</source>
        <translation>Cet objet n'existe plus.</translation>
    </message>
    <message>
        <source>Installed (version {number})</source>
        <translation>Installés (version {number})</translation>
    </message>
    <message>
        <source>, out of date</source>
        <translation>, pas à jour</translation>
    </message>
    <message>
        <source>; the agent is not responding</source>
        <translation> ; l'agent ne répond pas</translation>
    </message>
    <message>
        <source>, as reported when the VM last ran</source>
        <translation>, d'après la dernière exécution de la VM</translation>
    </message>
    <message>
        <source>{size} in use</source>
        <translation>{size} utilisés</translation>
    </message>
    <message>
        <source>{low} to {high} (dynamic)</source>
        <translation>{low} à {high} (dynamique)</translation>
    </message>
    <message>
        <source> (up to {n})</source>
        <translation> (jusqu'à {n})</translation>
    </message>
    <message>
        <source>None (home server: {name})</source>
        <translation>Aucun (serveur d'attache : {name})</translation>
    </message>
</context><context>
    <name>Xva</name>
    <message>
        <source>'{name}' is gzip-compressed but cannot be unpacked: {error}</source>
        <translation>« {name} » est compressé en gzip mais ne peut pas être décompressé : {error}</translation>
    </message>
    <message>
        <source>'{name}' is not an XVA export: it is too short ({size} bytes).</source>
        <translation>« {name} » n'est pas un export XVA : il est trop court ({size} octets).</translation>
    </message>
    <message>
        <source>'{name}' is not an XVA export: it is not a tar archive.</source>
        <translation>« {name} » n'est pas un export XVA : ce n'est pas une archive tar.</translation>
    </message>
    <message>
        <source>'{name}' is not an XVA export: its first member is '{member}', not ova.xml.</source>
        <translation>« {name} » n'est pas un export XVA : son premier membre est « {member} », pas ova.xml.</translation>
    </message>
    <message>
        <source>The transfer was cancelled.</source>
        <translation>Le transfert a été annulé.</translation>
    </message>
    <message>
        <source>the connection to the pool is not logged in</source>
        <translation>la connexion au pool n'est pas authentifiée</translation>
    </message>
    <message>
        <source>redirected to {where}, which is not a host of this pool</source>
        <translation>redirigé vers {where}, qui n'est pas un hôte de ce pool</translation>
    </message>
    <message>
        <source>the export stream ended before the XVA was complete ({size} arrived)</source>
        <translation>le flux d'export s'est terminé avant que le XVA soit complet ({size} reçus)</translation>
    </message>
    <message>
        <source>too many redirects</source>
        <translation>trop de redirections</translation>
    </message>
    <message>
        <source>the file became shorter while it was sent</source>
        <translation>le fichier a raccourci pendant son envoi</translation>
    </message>
    <message>
        <source>the connection was lost after {sent} of {size} had been sent</source>
        <translation>la connexion a été perdue après l'envoi de {sent} sur {size}</translation>
    </message>
    <message>
        <source>XVA exports (*.xva);;All files (*)</source>
        <translation>Exports XVA (*.xva);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>Exporter vers</translation>
    </message>
    <message>
        <source>Import from</source>
        <translation>Importer depuis</translation>
    </message>
    <message>
        <source>Export '{name}'</source>
        <translation>Exporter « {name} »</translation>
    </message>
    <message>
        <source>The VM is written to an XVA file, which any XenServer or XCP-ng pool can import. The file appears under its name only once it is complete.</source>
        <translation>La VM est écrite dans un fichier XVA, que tout pool XenServer ou XCP-ng peut importer. Le fichier n'apparaît sous son nom qu'une fois complet.</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Fichier :</translation>
    </message>
    <message>
        <source>Compress (gzip, smaller and slower)</source>
        <translation>Compresser (gzip, plus petit et plus lent)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Import VM</source>
        <translation>Importer une VM</translation>
    </message>
    <message>
        <source>Import a VM from an XVA export. Its disks go to the SR you choose; the server you choose receives it and becomes its home server.</source>
        <translation>Importer une VM depuis un export XVA. Ses disques vont dans le SR choisi ; le serveur choisi la reçoit et devient son serveur d'attache.</translation>
    </message>
    <message>
        <source>Storage:</source>
        <translation>Stockage :</translation>
    </message>
    <message>
        <source>The pool's coordinator (no home server)</source>
        <translation>Le coordinateur du pool (pas de serveur d'attache)</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>Serveur :</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importer</translation>
    </message>
    <message>
        <source>Checking the file…</source>
        <translation>Vérification du fichier…</translation>
    </message>
    <message>
        <source>Cannot read it: {why}</source>
        <translation>Lecture impossible : {why}</translation>
    </message>
    <message>
        <source>An XVA export ({kind}).</source>
        <translation>Un export XVA ({kind}).</translation>
    </message>
    <message>
        <source>The server did not finish the transfer within {s:g} s.</source>
        <translation>Le serveur n'a pas terminé le transfert en {s:g} s.</translation>
    </message>
    <message>
        <source>{what} was cancelled.</source>
        <translation>{what} a été annulé.</translation>
    </message>
    <message>
        <source>{ours}. The server says: {server}</source>
        <translation>{ours}. Le serveur dit : {server}</translation>
    </message>
    <message>
        <source>{what} failed: {why}</source>
        <translation>{what} a échoué : {why}</translation>
    </message>
    <message>
        <source>Choose a file to export to.</source>
        <translation>Choisissez un fichier vers lequel exporter.</translation>
    </message>
    <message>
        <source>Export VM</source>
        <translation>Exporter la VM</translation>
    </message>
    <message>
        <source>{file} exists already. Replace it?</source>
        <translation>{file} existe déjà. Le remplacer ?</translation>
    </message>
    <message>
        <source>the file {file}</source>
        <translation>le fichier {file}</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Remplacer</translation>
    </message>
    <message>
        <source>Export '{name}' to {file}</source>
        <translation>Exporter « {name} » vers {file}</translation>
    </message>
    <message>
        <source>{path} is a folder; choose a file.</source>
        <translation>{path} est un dossier ; choisissez un fichier.</translation>
    </message>
    <message>
        <source>The folder {folder} does not exist.</source>
        <translation>Le dossier {folder} n'existe pas.</translation>
    </message>
    <message>
        <source>Exporting '{name}'</source>
        <translation>Export de « {name} »</translation>
    </message>
    <message>
        <source>Starting the export</source>
        <translation>Démarrage de l'export</translation>
    </message>
    <message>
        <source>Export of {name}</source>
        <translation>Export de {name}</translation>
    </message>
    <message>
        <source>Exporting: {size} written</source>
        <translation>Export : {size} écrits</translation>
    </message>
    <message>
        <source>Waiting for the server to finish</source>
        <translation>En attente de la fin côté serveur</translation>
    </message>
    <message>
        <source>Exported '{name}': {size} in {file}</source>
        <translation>« {name} » exportée : {size} dans {file}</translation>
    </message>
    <message>
        <source>Cannot read {file}: {why}</source>
        <translation>Impossible de lire {file} : {why}</translation>
    </message>
    <message>
        <source>Choose an attached SR for the VM's disks.</source>
        <translation>Choisissez un SR attaché pour les disques de la VM.</translation>
    </message>
    <message>
        <source>The chosen server is not in this pool.</source>
        <translation>Le serveur choisi n'est pas dans ce pool.</translation>
    </message>
    <message>
        <source>Import {file}</source>
        <translation>Importer {file}</translation>
    </message>
    <message>
        <source>Importing {file}</source>
        <translation>Import de {file}</translation>
    </message>
    <message>
        <source>Checking {file}</source>
        <translation>Vérification de {file}</translation>
    </message>
    <message>
        <source>Import of {file}</source>
        <translation>Import de {file}</translation>
    </message>
    <message>
        <source>Uploading: {done} of {size}</source>
        <translation>Envoi : {done} sur {size}</translation>
    </message>
    <message>
        <source>Waiting for the server to create the VM</source>
        <translation>En attente de la création de la VM par le serveur</translation>
    </message>
    <message>
        <source>Setting the home server</source>
        <translation>Réglage du serveur d'attache</translation>
    </message>
    <message>
        <source>Imported {names}</source>
        <translation>{names} importée(s)</translation>
    </message>
</context></TS>
