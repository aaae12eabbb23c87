from visrec_desktop.launcher import main

raise SystemExit(main())
