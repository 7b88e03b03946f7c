from kubectl_fed.cli import main

main()
