from visrec_desktop.cli import main

raise SystemExit(main())
