from visrec_desktop.launcher import run

run()
