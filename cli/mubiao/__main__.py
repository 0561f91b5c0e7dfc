from mubiao.app import main

raise SystemExit(main())
