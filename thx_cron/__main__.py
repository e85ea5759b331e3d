from thx_cron.standalone.cli import main

main()
