from thx_cron.cli import main

main()
